"""Compositional phrasings for the router's requests (added for the hand-written bar): each request is
built from parts (opener, verb, object, question, closer) drawn at random, then perhaps roughened the
way people type (lower case, no punctuation, dropped or swapped letters, "pls", "u"). Written without
reading the held-out hand-written set; validation-handwritten.jsonl is not drawn from either."""
import random

OPENERS = ['', '', '', '', 'hey, ', 'hi, ', 'quick question: ', 'please ', 'can you ', 'could you ', 'I need you to ', 'ok so ',
           'hello! ', 'yo ', 'help: ', 'one more thing, ', 'would you ', 'i want you to ', 'go ahead and ', 'real quick, ']
CLOSERS = ['', '', '', '', ' thanks', ' thx', ' please', ' pls', ' asap', '!', '?', ' :)', ' ty', ' if you can', ' for me']


def roughen(rng: random.Random, text: str, rate: float = 0.35) -> str:
    """Typing noise on a short request (never on a pasted e-mail)."""
    if rng.random() > rate:
        return text
    words = text.split(' ')
    out = []
    for w in words:
        r = rng.random()
        lw = w.lower()
        if lw in SLANG and rng.random() < 0.5:
            w = SLANG[lw]
        elif len(w) > 3 and r < 0.08:
            i = rng.randrange(len(w) - 1)
            w = w[:i] + w[i + 1] + w[i] + w[i + 2:]  # swap two letters
        elif len(w) > 3 and r < 0.16:
            i = rng.randrange(1, len(w))
            w = w[:i] + w[i + 1:]  # drop a letter
        elif len(w) > 2 and r < 0.2:
            i = rng.randrange(len(w))
            w = w[:i] + w[i] + w[i:]  # double a letter
        out.append(w)
    text = ' '.join(out)
    if rng.random() < 0.5:
        text = text.lower()
    if rng.random() < 0.4:
        text = text.rstrip('.?!')
    if rng.random() < 0.2:
        text = text.replace("'", '')
    return text


SLANG = {'please': 'pls', 'you': 'u', 'your': 'ur', 'are': 'r', 'thanks': 'thx', 'because': 'cuz', 'what': 'wat',
         'tomorrow': 'tmrw', 'message': 'msg', 'tonight': 'tonite', 'about': 'abt', 'going to': 'gonna', 'something': 'smth'}


QUESTION_START = ('what', 'which', 'when', 'where', 'who', 'how', 'why', 'is ', 'are ', 'do ', 'does ', 'did ', 'can ', 'have ', 'any ', 'whats', 'remind me,')
QUESTION_OPENERS = ['', '', '', '', 'hey, ', 'hi, ', 'quick question: ', 'ok so ', 'hello! ', 'yo ', 'one more thing, ', 'real quick, ', 'help: ', 'um ']


def wrap(rng: random.Random, core: str) -> str:
    """An opener and a closer around a request, and typing noise."""
    opener = rng.choice(QUESTION_OPENERS if core.lower().startswith(QUESTION_START) else OPENERS)
    text = opener + (core[0].lower() + core[1:] if opener and opener[-1] == ' ' and not core.startswith('I ') else core)
    return roughen(rng, text + rng.choice(CLOSERS))


def pick(rng: random.Random, *pools):
    return ' '.join(p for p in (rng.choice(pool) for pool in pools) if p)


# ---- language: asks around an e-mail ----
MAIL_NOUNS = ['email', 'e-mail', 'mail', 'message', 'msg', 'note I got', 'newsletter', 'text', 'thing in my inbox', 'letter', 'reply', 'forward']
MAIL_VERBS = ['check', 'classify', 'screen', 'scan', 'look at', 'filter', 'judge', 'assess', 'evaluate', 'inspect', 'analyse', 'vet', 'flag']
MAIL_QUESTIONS = ['is it spam?', 'spam or ham?', 'legit?', 'phishing?', 'is it a scam?', 'junk?', 'safe to open?', 'real or fake?',
                  'should I trust it?', 'is it genuine?', 'spam or not', 'bulk mail?', 'is this unwanted advertising?', 'can I ignore it?',
                  'is it from a real person?', 'would a spam filter catch it?', 'fraud?', 'is this a con?']


def email_ask(rng: random.Random) -> str:
    form = rng.random()
    noun = rng.choice(MAIL_NOUNS)
    if form < 0.35:
        core = f'{rng.choice(MAIL_VERBS)} this {noun}, {rng.choice(MAIL_QUESTIONS)}'
    elif form < 0.6:
        core = f'{rng.choice(["I got", "I received", "someone sent me", "this came in:", "found this", "my mom got", "our team got"])} this {noun}. {rng.choice(MAIL_QUESTIONS)}'
    elif form < 0.8:
        core = rng.choice(MAIL_QUESTIONS)
    else:
        core = f'{rng.choice(["tell me if", "let me know whether", "figure out if", "decide whether"])} the {noun} {rng.choice(["below", "here", "that follows", "I pasted"])} is {rng.choice(["spam", "legit", "a scam", "junk", "phishing", "ham"])}'
    return wrap(rng, core[0].upper() + core[1:])


# ---- memory ----
PEOPLE = ['my brother', 'my sister', 'mum', 'dad', 'my boss', 'Anna', 'Raj', 'the neighbour', 'my wife', 'my husband', 'Chen', 'the landlord',
          'our accountant', 'my son', 'my daughter', 'Grandpa', 'the vet', 'Sofia', 'Mike from accounting', 'my partner', 'the babysitter']
THINGS = ['birthday', 'phone number', 'shoe size', 'favourite colour', 'address', 'allergy', 'flight number', 'email address', 'blood type',
          'wifi password', 'licence plate', 'gate code', 'locker number', 'membership id', 'anniversary', 'train time', 'table booking']
VALUES = ['March 12', '07700 900123', '42', 'green', '14 Elm Street', 'peanuts', 'BA 2490', 'sam@example.org', 'O negative', 'tulip-7731',
          'KX19 ZTP', '4521', 'B17', 'M-55102', 'June 8th', '6:45', 'Friday at 8']
PLACES = ['in the top drawer', 'under the sink', 'in the blue folder', 'in the garage', 'behind the TV', 'on the shelf in the hall',
          'in my backpack', 'at the office', 'in the glovebox', 'with the neighbours', 'in the cloud drive', 'in the red box']
OBJECTS = ['passport', 'spare key', 'charger', 'tax papers', 'warranty card', 'receipt', 'umbrella', 'medicine', 'old laptop', 'photos',
           'contract', 'bike lock key', 'headphones', 'insurance letter']
EVENTS = ['the dentist', 'the team offsite', 'parents evening', 'the car service', 'yoga class', 'the haircut', 'the job interview',
          'the vet appointment', 'the school play', 'the board meeting', 'the football match', 'the piano lesson', 'the bin collection']
WHENS = ['on Tuesday', 'next Monday at 9', 'tomorrow at 4pm', 'on the 3rd', 'every other Thursday', 'at noon on Friday', 'in two weeks',
         'this weekend', 'on May 14', 'tonight at 7:30']
DID = ['paid the electricity bill', 'took my medication', 'watered the plants', 'called the bank', 'sent the invoice', 'fed the cat',
       'booked the hotel', 'changed the oil', 'backed up my laptop', 'cancelled the gym membership', 'ordered the new tyres', 'returned the parcel']


def fact(rng: random.Random) -> tuple[str, str]:
    """A fact to remember and a topic to ask for it by."""
    k = rng.randrange(5)
    if k == 0:
        p, t = rng.choice(PEOPLE), rng.choice(THINGS)
        return f"{p}'s {t} is {rng.choice(VALUES)}", rng.choice([f"{p}'s {t}", t, p])
    if k == 1:
        o = rng.choice(OBJECTS)
        return f'the {o} is {rng.choice(PLACES)}', rng.choice([f'the {o}', o, f'where the {o} is'])
    if k == 2:
        e = rng.choice(EVENTS)
        return f'{e} is {rng.choice(WHENS)}', rng.choice([e, f'when {e} is'])
    if k == 3:
        d = rng.choice(DID)
        return f'I {d} {rng.choice(["today", "yesterday", "this morning", "last week", "on Sunday"])}', rng.choice([d.split(' ', 1)[1], f'whether I {d}'])
    t = rng.choice(THINGS)
    return f'my {t} is {rng.choice(VALUES)}', rng.choice([f'my {t}', t])


REMEMBER_VERBS = ['remember that', 'remember', 'note that', 'make a note that', 'save this:', 'store this:', 'keep in mind that', 'memorize that',
                  'write down that', 'log that', "don't let me forget that", 'keep track of this:', 'add a note:', 'note to self:',
                  'for the record,', 'fyi', 'put this in memory:', 'file this away:', 'just so you know,', 'remember for later:', 'jot down that']
RECALL_FORMS = ['what did I say about {t}?', 'what did i tell you about {t}', 'what do you know about {t}?', 'remind me about {t}',
                'what was {t} again?', 'have I told you about {t}?', 'any notes on {t}?', 'look up {t} in my notes', 'what have I saved on {t}?',
                'do you remember {t}?', 'can you recall {t}?', 'tell me what I stored about {t}', 'search my notes for {t}', 'what about {t}, did I mention it?',
                'pull up what I said on {t}', 'what did I write down about {t}?', 'find {t} in what I told you', 'did I save anything regarding {t}',
                'what did I ask you to keep about {t}?', 'remind me, {t}?', 'show me my notes about {t}', 'what was it I said about {t}',
                'list everything I told you about {t}', 'what do my notes say about {t}?']


def memory_request(rng: random.Random) -> str:
    f, topic = fact(rng)
    if rng.random() < 0.5:
        return wrap(rng, f'{rng.choice(REMEMBER_VERBS)} {f}')
    return wrap(rng, rng.choice(RECALL_FORMS).format(t=topic))


# ---- consensus ----
GROUPS = ['tabs', 'open tabs', 'browser tabs', 'replicas', 'nodes', 'peers', 'devices', 'instances', 'windows', 'cluster nodes', 'workers',
          'validators', 'members of the group', 'participants', 'other tabs', 'servers', 'my devices', 'all the clients']
AGREE_VERBS = ['agree on', 'vote on', 'reach consensus on', 'come to an agreement about', 'decide together on', 'commit to', 'settle on',
               'all confirm', 'sign off on', 'reach a quorum on', 'accept', 'approve', 'ratify', 'get a majority for']
ACTIONS = ['restarting', 'deploying', 'rolling back', 'pausing', 'switching on', 'turning off', 'renaming', 'upgrading', 'deleting', 'freezing',
           'migrating', 'scaling down', 'publishing', 'archiving']
TARGETS = ['the cache', 'the search service', 'build 4.2', 'the staging cluster', 'the shared playlist', 'the dark theme', 'the nightly job',
           'the old logs', 'the pricing page', 'the user table', 'the feature flag', 'region eu-west', 'the leader', 'the sync queue']
AGREE_FORMS = ['get the {g} to {v} {a} {t}', 'have the {g} {v} {a} {t}', 'make all {g} {v} {a} {t}', 'I need the {g} to {v} {a} {t}',
               'do the {g} {v} {a} {t}?', 'can the {g} {v} {a} {t}?', 'ask every one of the {g} to {v} {a} {t}', 'let the {g} {v} {a} {t}',
               'put {a} {t} to a vote among the {g}', 'hold a vote across the {g} on {a} {t}', 'need consensus from the {g} before {a} {t}',
               'run an agreement round among the {g} for {a} {t}', 'is there a majority among the {g} for {a} {t}?',
               'poll the {g} about {a} {t} and commit the result', 'elect a new leader among the {g}', 'sync the {g} so they agree on {t}',
               'make sure the {g} all hold the same value for {t}', 'coordinate the {g}: {a} {t}, byzantine tolerant']


def consensus_request(rng: random.Random) -> str:
    core = rng.choice(AGREE_FORMS).format(g=rng.choice(GROUPS), v=rng.choice(AGREE_VERBS), a=rng.choice(ACTIONS), t=rng.choice(TARGETS))
    return wrap(rng, core[0].upper() + core[1:])
