"""Short messages built from parts (added for the hand-written bar): the SpamAssassin e-mails are
mostly long mailing-list posts and marketing, while people paste short notes from colleagues and
family, texts, and short scams. A message alone, or with an ask, goes to the language expert."""
import random

NAMES = ['Tom', 'Priya', 'Lena', 'Marco', 'Aisha', 'Ben', 'Julia', 'Kenji', 'Olga', 'Sam', 'Fatima', 'Dan', 'Grace', 'Luis', 'Mei']
GREETINGS = ['Hi {n},', 'Hey {n},', 'Hello {n},', 'Dear {n},', 'Hi all,', 'Hey team,', 'Hello everyone,', 'Morning,', '{n} -', 'Hi,', '', '']
HAM_BODIES = [
    'the build is green again, thanks for the quick fix.', 'can we move our 1:1 to Thursday afternoon?', 'I have uploaded the draft to the shared drive.',
    'running ten minutes late, start without me.', 'dinner is at 7, bring a bottle of wine if you like.', 'the invoice for March is attached.',
    'please review my pull request when you get a chance.', 'the kids have football practice at 5, can you pick them up?',
    'reminder: the office is closed on Monday for the holiday.', 'thanks for the lovely evening yesterday!', 'the slides look great, just two small comments.',
    'we are out of coffee in the kitchen again.', 'happy birthday! hope you have a great day.', 'can you send me the figures before the meeting?',
    'the server will be down for maintenance tonight from 10 to 11.', 'your parcel was left with the neighbour at number 12.',
    'I will be working from home tomorrow.', 'the minutes from today are below, shout if I missed anything.', 'lunch on Friday? the new ramen place?',
    'the patch fixes the crash on startup, tested on linux and mac.', 'mum says hi and asks when you are visiting.', 'the contract needs your signature by Friday.',
    'are we still on for tennis on Saturday?', 'I booked the meeting room for 2pm.', 'the train was cancelled, I will take the bus.',
    'attached is the photo from the trip.', 'the test suite takes 40 minutes now, we should split it.', 'our flight lands at 6:15, see you at arrivals.']
SIGN_OFFS = ['Thanks,\n{n}', 'Best,\n{n}', 'Cheers, {n}', '-- {n}', 'Regards,\n{n}', 'Sent from my phone', 'Love, {n}', 'x', '', '']
SPAM_BODIES = [
    'CONGRATULATIONS! You have been selected to receive a FREE iPhone. Click here to claim now!',
    'Your account has been suspended due to unusual activity. Verify your details within 24 hours: http://secure-verify-login.com',
    'Earn $5000 a week working from home. No experience needed. Reply YES to start.', 'Lowest prices on meds, no prescription required, discreet delivery.',
    'You have won the international lottery! Send your bank details to receive 2,500,000 USD.', 'Hot deal: 90% off designer watches, today only!!!',
    'URGENT: your parcel is on hold. Pay the customs fee of 2.99 at the link below.', 'Lose 10 kg in 10 days with this one simple trick.',
    'Dear friend, I am a banker with a business proposal worth millions. Your share will be 30 percent.',
    'Your mailbox is full. Click here to upgrade your storage or lose your messages.', 'Refinance now at the lowest rate ever. Limited time offer, act fast!',
    'Claim your free gift card now, only 3 left! Text WIN to 80888.', 'We noticed a login from a new device. If this was not you, confirm your password here.',
    'Meet beautiful singles in your area tonight. Sign up free.', 'Increase your credit score overnight, guaranteed!!!', 'Cheap Viagra Cialis 80% OFF order now',
    'Your tax refund of $842.16 is pending. Submit your card details to receive it.', 'Make money fast with crypto, 500% returns guaranteed, join today',
]
SPAM_TAILS = ['', '', 'Unsubscribe here.', 'To stop receiving these emails reply STOP.', 'This is not spam, you opted in.', 'Call now: 1-800-555-0147', 'www.best-deals-online.biz']


def short_message(rng: random.Random) -> str:
    """A short ham or spam message, laid out as people paste them."""
    n = rng.choice(NAMES)
    if rng.random() < 0.5:
        body = ' '.join(rng.sample(HAM_BODIES, rng.randint(1, 3)))
        body = body[0].upper() + body[1:]
        parts = [rng.choice(GREETINGS).format(n=n), body, rng.choice(SIGN_OFFS).format(n=rng.choice(NAMES))]
    else:
        parts = ['', ' '.join(rng.sample(SPAM_BODIES, rng.randint(1, 2))), rng.choice(SPAM_TAILS)]
    sep = '\n\n' if rng.random() < 0.5 else ' '
    text = sep.join(p for p in parts if p)
    if rng.random() < 0.3:
        text = f'Subject: {rng.choice(["Re: ", "Fwd: ", ""])}{rng.choice(["quick question", "update", "Your account", "Hello", "Friday", "Offer inside", "invoice", "tonight"])}\n{text}'
    return text
