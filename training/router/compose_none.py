"""Requests no expert fits, built from parts (added for the hand-written bar), and asks around a digit
or a series. No-fit covers chit-chat, general knowledge, how-to, opinions, tasks for other apps,
writing tasks, arithmetic in words, and near misses that use an expert's words in another sense
("write an e-mail to…", "how do spam filters work", "do you agree that…", "weather forecast",
"how many digits…", "tips to remember names"): those words alone must not route a request."""
import random

from compose import pick, wrap

SUBJECTS = ['black holes', 'the Roman empire', 'photosynthesis', 'inflation', 'the stock market', 'jazz', 'volcanoes', 'the immune system',
            'electric cars', 'the French revolution', 'climate change', 'chess openings', 'quantum computers', 'the moon landing', 'bees',
            'the Olympics', 'tax returns', 'sourdough', 'meditation', 'the internet', 'dinosaurs', 'solar panels', 'the human brain',
            'coffee', 'Shakespeare', 'the Amazon rainforest', 'credit scores', 'knitting', 'marathon training', 'tides', 'vaccines',
            'neural networks', 'Bitcoin', 'the pyramids', 'sleep', 'yoga', 'rainbows', 'gravity', 'Mars', 'the Beatles']
WH = ['what is', 'what are', 'explain', 'tell me about', 'how does', 'why do people like', 'give me a summary of', 'what do you think of',
      'teach me about', 'whats the history of', 'fun facts about', 'is it true that', 'how much do you know about', 'describe']
HOWTO = ['boil an egg', 'change a tyre', 'tie a tie', 'get rid of ants', 'fix a leaky tap', 'learn guitar', 'make pancakes', 'save money',
         'fall asleep faster', 'write a CV', 'clean a cast iron pan', 'grow tomatoes', 'train a puppy', 'lose weight', 'speed up my laptop',
         'reset my router', 'center a div', 'cook rice', 'negotiate a raise', 'start running', 'unclog a drain', 'learn Spanish fast',
         'take a screenshot', 'iron a shirt', 'plant a tree', 'stop procrastinating', 'make friends in a new city', 'install python']
APP_TASKS = ['book a table for {n} at 8', 'order a pizza', 'call a taxi', 'play some {genre}', 'turn off the lights', 'set an alarm for {h}',
             'send a text to {who}', 'open spotify', 'navigate to the airport', 'buy train tickets to Leeds', 'schedule a meeting with {who}',
             'turn the heating up', 'call {who}', 'find a pharmacy nearby', 'reserve a hotel in Rome', 'check my bank balance',
             'pay the phone bill', 'start a timer for {n} minutes', 'add milk to the shopping list', 'remind me to call {who} at {h}',
             'wake me up at {h}', 'order more dog food', 'text {who} that I am late', 'play the next episode', 'volume up']
WRITING = ['write a poem about {s}', 'write an essay on {s}', 'draft an email to {who} about {s}', 'compose an email to my boss asking for a day off',
           'write a cover letter for a barista job', 'write a tweet about {s}', 'write a story about {s}', 'make up a joke about {s}',
           'write a speech for a wedding', 'reply to this email for me saying I will come', 'summarise this article', 'rewrite this sentence more politely',
           'translate this into French: {s}', 'write a haiku about {s}', 'draft a complaint letter to the council', 'write a thank-you note to {who}',
           'write an out-of-office message', 'proofread my essay', 'make my email sound more professional', 'write a product description for a lamp']
NEAR_MISSES = ['what is spam?', 'how do spam filters work', 'how do I stop getting spam calls', 'why does my email go to the junk folder',
               'set up a spam filter in outlook', 'is spam (the canned meat) healthy?', 'who invented email', 'how do I write a good email',
               'what does ham mean in slang', 'whats the weather forecast for tomorrow', 'will it rain this weekend', 'forecast the election results',
               'predict who wins the world cup', 'what will bitcoin be worth next year', 'how do weather forecasts work',
               'do you agree with me?', 'do you agree that {s} are overrated?', 'I agree', 'agree or disagree: cats are better than dogs',
               'what is consensus in politics', 'explain the Raft consensus algorithm', 'how do blockchains reach consensus',
               'what does quorum mean', 'who won the vote in parliament yesterday', 'how many digits are in a phone number',
               'what is the biggest number', 'how many digits of pi do you know', 'is 7 a prime number', 'what number comes after 99',
               'draw me a picture of a dog', 'how do I draw a horse', 'what is a neural network', 'what is a time series',
               'tips to remember names', 'how can I improve my memory', 'do you remember the 90s', 'remember when we went to the beach? good times',
               'i cant remember the name of that movie with the boat', 'what is a memory leak', 'how much memory does my phone have',
               'how do I back up my photos', 'what happened on this day in history', 'what is 2+2', 'whats 12 times 7', 'convert 30 celsius to fahrenheit',
               'how many days until christmas', 'what is the square root of 81', 'count to ten', 'how many people live in Tokyo',
               'what is the average rent in London', 'what are the odds of winning the lottery', 'how many calories in a banana']
CHIT_CHAT = ['hi', 'hello', 'hey there', 'good morning', 'good night', 'how are you?', 'whats up', 'sup', 'thanks', 'thank you!', 'ok', 'okay',
             'cool', 'nice', 'lol', 'haha', 'yes', 'no', 'maybe', 'bye', 'see you', 'who are you?', 'what can you do', 'are you real?',
             'do you have feelings', 'I am tired', 'im bored', 'I had a rough day', 'tell me something interesting', 'you are great',
             'that was wrong', 'never mind', 'test', 'hello?', 'are you there', 'what is your name', 'what time is it', 'what day is it',
             'I love you', 'can we chat', 'I feel lonely', 'what should I do today', 'sorry', 'wow', 'hmm', '?', 'help', 'asdf']
OPINIONS = ['what is the best {x}?', 'recommend a {x}', 'suggest a good {x}', 'which {x} should I get?', 'what {x} do you like?',
            'rank the top five {x}s', 'is a {x} worth it?']
OPINION_THINGS = ['laptop', 'movie', 'book', 'phone', 'podcast', 'restaurant', 'board game', 'holiday destination', 'running shoe', 'pizza place',
                  'programming language', 'camera', 'TV show', 'coffee machine', 'video game', 'song', 'car', 'city to live in']
WHO = ['mom', 'Dave', 'my landlord', 'the team', 'Lisa', 'my doctor', 'the plumber', 'grandma', 'my boss', 'Sam']
GENRES = ['jazz', 'rock', 'lofi beats', 'Taylor Swift', 'classical music', 'podcasts', 'the news']


def none_request(rng: random.Random) -> str:
    fill = lambda s: s.format(s=rng.choice(SUBJECTS), n=rng.randint(2, 9), h=f'{rng.randint(5, 11)} am', who=rng.choice(WHO),
                              genre=rng.choice(GENRES), x=rng.choice(OPINION_THINGS))
    k = rng.random()
    if k < 0.18:
        core = f'{rng.choice(WH)} {rng.choice(SUBJECTS)}' + rng.choice(['?', '', '', ' in simple words', ' briefly'])
    elif k < 0.3:
        core = pick(rng, ['how do I', 'how to', 'how can I', 'whats the best way to', 'steps to', 'teach me to', 'is it hard to'], HOWTO) + rng.choice(['?', ''])
    elif k < 0.44:
        core = fill(rng.choice(APP_TASKS))
    elif k < 0.57:
        core = fill(rng.choice(WRITING))
    elif k < 0.77:
        core = fill(rng.choice(NEAR_MISSES))
    elif k < 0.9:
        return rng.choice(CHIT_CHAT) if rng.random() < 0.5 else wrap(rng, rng.choice(CHIT_CHAT))
    else:
        core = fill(rng.choice(OPINIONS))
    return wrap(rng, core[0].upper() + core[1:])


DIGIT_WORDS = ['digit', 'number', 'numeral', 'character', 'figure', 'handwritten digit', 'drawing', 'scribble', 'image', 'picture', 'bitmap',
               'pixel grid', '8x8 image', 'sketch', 'glyph']
DIGIT_FORMS = ['which {d} is this', 'what {d} is this', 'what is this {d}', 'read this {d}', 'recognise the {d}', 'recognize this {d}',
               'identify the {d}', 'classify this {d}', 'what {d} did I draw', 'can you tell what {d} this is', 'guess the {d}',
               'is this a {n} or a {m}?', 'looks like a {n} to me, am I right?', 'what does this {d} show', 'which of 0-9 is in this {d}',
               'decode this {d}', 'tell me the {d} in these pixels', 'what did my kid write here', 'run the spiking net on this {d}',
               'how confident are you about this {d}', 'here are 64 pixel values, what {d} is it', 'whats on this {d}']
SERIES_WORDS = ['series', 'data', 'numbers', 'readings', 'daily counts', 'values', 'sequence', 'time series', 'counts', 'figures', 'trend', 'births data']
SERIES_FORMS = ['forecast the {s}', 'predict the next {k} days', 'what comes next in these {s}', 'extrapolate the {s}', 'continue the {s}',
                'project these {s} forward', 'where are these {s} heading', 'what will tomorrow look like given these {s}',
                'give me the next {k} values with a range', 'how will the {s} develop', 'forecast the next {k} days of these {s}',
                'estimate the upcoming {s}', 'predict next week from these {s}', 'whats the next value', 'can you forecast this',
                'model these {s} and predict ahead', 'what should I expect next from these {s}', 'run the forecaster on these {s}',
                'next {k} points please', 'any idea where this goes next?', 'predict how many births tomorrow']


def digit_ask(rng: random.Random) -> str:
    n, m = rng.sample(range(10), 2)
    core = rng.choice(DIGIT_FORMS).format(d=rng.choice(DIGIT_WORDS), n=n, m=m)
    return wrap(rng, core[0].upper() + core[1:] + rng.choice(['?', '', '.']))


def series_ask(rng: random.Random) -> str:
    core = rng.choice(SERIES_FORMS).format(s=rng.choice(SERIES_WORDS), k=rng.randint(2, 14))
    return wrap(rng, core[0].upper() + core[1:] + rng.choice(['?', '', '.']))
