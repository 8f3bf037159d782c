"""Phrasings of the router's training requests. '{topic}', '{fact}', '{decision}', '{peers}' are filled
from the lists below. The hand-written held-out set (data/router/handwritten.jsonl) is written
separately and never drawn from these lists."""

EMAIL_ASKS = [
    'Is this spam?', 'Is this e-mail spam?', 'spam or not?', 'Check this mail for me.', 'Classify this message: spam or ham?',
    'Got this in my inbox, is it legit?', 'Should I trust this email?', 'Junk mail or real?', 'Please screen this e-mail.',
    'Tell me if the following message is spam.', 'Filter this:', 'Is the mail below a scam?', 'ham or spam', 'What do you make of this email?',
    'Can you check whether this is unsolicited bulk mail?', 'Someone sent me this. Phishing?', 'Label this email.', 'Is this newsletter spam?',
    'Run the spam filter on this:', 'Would you mark this as junk?', 'I received the following. Spam?', 'Classify:', 'Quick spam check please',
    'Does this look like a real message from a colleague?', 'Here is an email, tell me if it is spam or ham.',
]
DIGIT_ASKS = [
    'Which digit is this?', 'What number is drawn here?', 'Classify this 8x8 image.', 'Recognise this handwritten digit.',
    'These are 64 pixel values of a digit, which one?', 'What digit do these pixels show?', 'Read this digit', 'digit?',
    'Identify the handwritten number in this 8 by 8 grid.', 'Run the spiking classifier on this image.', 'What did I draw?',
    'Guess the digit from the pixel intensities.', 'OCR this tiny digit', 'Which of 0-9 is this bitmap?', 'Classify these pixels',
    'Here is a scanned digit (8x8, values 0 to 16). What is it?', 'Tell me the number in this image.', 'pixel grid -> digit please',
]
SERIES_ASKS = [
    'Forecast the next values.', 'What comes next in this series?', 'Predict the next few days.', 'Forecast this daily series.',
    'How many births tomorrow?', 'Extrapolate this time series.', 'Continue this sequence.', 'Predict the next week of births.',
    'What will the next value be?', 'Project this daily count forward.', 'forecast', 'next values?', 'Where is this trend heading?',
    'Given these daily counts, what should I expect next?', 'Run the liquid network forecaster on these numbers.',
    'Here are daily births in the US; predict the following days.', 'Estimate the next day with an interval.', 'Model this sequence and predict ahead.',
]
REMEMBER = [
    'Remember that {fact}.', 'Please remember {fact}.', 'remember {fact}', 'Note that {fact}.', 'Save this: {fact}.', 'Keep in mind that {fact}.',
    'Store the fact that {fact}.', 'Make a note: {fact}.', "Don't forget that {fact}.", 'Write down that {fact}.', 'Remember this for later: {fact}.',
    'For future reference, {fact}.', 'Memorise that {fact}.', 'Jot this down: {fact}.', 'Can you remember that {fact}?', 'Add to my notes: {fact}.',
]
RECALL = [
    'What did I say about {topic}?', 'What did I tell you about {topic}?', 'Do you remember what I said about {topic}?', 'Recall my note on {topic}.',
    'What did I save about {topic}?', 'Remind me what I noted about {topic}.', 'what did i write about {topic}', 'Look up what I told you about {topic}.',
    'Did I mention anything about {topic}?', 'Find my notes about {topic}.', 'What do you remember about {topic}?', 'Search my memory for {topic}.',
    'What was it I said regarding {topic}?', 'Bring up what I stored on {topic}.', 'Anything saved about {topic}?', 'What did I ask you to remember about {topic}?',
]
TOPICS = [
    'the backup', 'my dentist', 'the wifi password', 'the project deadline', 'my sister', 'the parking spot', 'the server', 'the budget',
    'the meeting', 'the garden', 'my passport', 'the car', 'the trip to Lisbon', 'the invoice', 'the new hire', 'the release', 'the kids',
    'the rent', 'the database migration', 'the cat', 'the gym', 'the recipe', 'the printer', 'the flight', 'my doctor', 'the conference',
    'the landlord', 'the router firmware', 'grandma', 'the quarterly report',
]
FACTS = [
    'the backup finished at 2 am', 'my dentist appointment is on Tuesday', 'the wifi password is on the fridge', 'the deadline moved to Friday',
    "my sister's birthday is on March 3rd", 'I parked on level 4', 'the server address is 10.0.0.12', 'the budget is 12,000 euros',
    'the meeting is at 5 pm in room B', 'the tomatoes need water every two days', 'my passport expires next year', 'the car needs new tyres',
    'the flight to Lisbon leaves at 7:40', 'invoice 4471 was paid', 'the new hire starts on Monday', 'version 2.1 ships next week',
    'the kids have a day off on Thursday', 'the rent goes up in June', 'the migration script is in the ops repo', 'the cat is allergic to chicken',
    'the gym closes at 10', 'the pancake recipe needs two eggs', 'the printer is out of toner', 'my doctor is Dr. Okafor',
    'the conference talk is 20 minutes', 'the landlord prefers e-mail', 'the router firmware was updated', 'grandma likes lilies',
    'the quarterly report is due on the 15th', 'the spare key is under the blue pot',
]
AGREE = [
    'Ask the {peers} to agree on {decision}.', 'Have all {peers} vote on {decision}.', 'Get consensus among the {peers} on {decision}.',
    'Do the {peers} agree on {decision}?', 'Let the {peers} decide together on {decision}.', 'Put {decision} to a vote across {peers}.',
    'Reach agreement between the {peers} about {decision}.', 'Make the {peers} commit to {decision}.', 'We need a quorum of {peers} for {decision}.',
    'Can the {peers} come to agreement on {decision}?', 'Coordinate the {peers}: {decision}.', 'Propose {decision} to the {peers} and get it agreed.',
    'Sync all {peers} on {decision}, byzantine-safe please.', 'Run PBFT among the {peers} for {decision}.', 'Ask every open tab to confirm {decision}.',
    'Is there agreement across {peers} on {decision}?',
]
PEERS = ['tabs', 'peers', 'replicas', 'nodes', 'other tabs', 'browser tabs', 'devices', 'participants', 'validators', 'edge nodes']
DECISIONS = [
    'rolling out version 2.1', 'the firmware update', 'shutting down node 4', 'the budget proposal', 'switching to the backup link',
    'the maintenance window on Sunday', 'rolling back the config', 'the new leader', 'locking the shared document', 'the order of the queue',
    'deleting the old logs', 'the price change', 'which build to ship', 'the schedule for next week', 'accepting the merge',
]
EMAIL_AGREE = [
    'Classify this e-mail and have the peers agree on the verdict.', 'Spam or not? Ask the other tabs to agree.', 'Is this spam? Get consensus across replicas.',
    'Have the nodes vote on whether this mail is spam.', 'All tabs should agree if the message below is junk.',
]
DIGIT_AGREE = [
    'Which digit is this? Have the replicas agree on it.', 'Classify this digit and get the peers to agree.', 'Let the tabs vote on what this digit is.',
    'Recognise this number and commit it across nodes.',
]
SERIES_AGREE = [
    'Forecast this series and have the peers agree on the forecast.', 'Predict the next value; replicas must agree.', 'Let the tabs agree on the forecast of this series.',
    'Forecast tomorrow and commit the number across nodes.',
]
REMEMBER_EMAIL = [
    'Remember this e-mail:', 'Save this message for later.', 'Keep this email in memory.', 'Store this mail so I can find it later.', 'Please remember the following e-mail.',
]
REMEMBER_FORECAST = [
    'Forecast this series and remember the result.', 'Predict the next days and save the forecast.', 'Forecast these births and store it for later.',
    'Keep a note of where this series is going.',
]
OFF_TOPIC = [
    'hi', 'hello there', 'What is the weather like in Paris?', 'Tell me a joke.', 'Write a poem about the sea.', 'Who won the world cup in 2018?',
    'Translate good morning into French.', 'What is the capital of Australia?', 'How do I boil an egg?', 'Explain quantum entanglement.',
    'thanks!', 'What time is it?', 'Recommend a good book.', 'How tall is Mount Everest?', 'Can you book a table for two?', 'Play some music.',
    'What is photosynthesis?', 'Summarise the French revolution.', 'Who are you?', 'How are you today?', 'Write me a cover letter.',
    'What is 17 times 23?', 'Set an alarm for 7.', 'Order a pizza.', 'ok', 'Explain how vaccines work.', 'What should I cook tonight?',
    'Give me three facts about black holes.', 'Is it going to rain tomorrow?', 'Help me fix my bike.', 'What does GDP mean?', 'lol',
    'Tell me about {topic}.', 'Why is the sky blue?', 'Convert 5 miles to km.', 'What movies are on tonight?', 'Draw a cat.',
]
# More requests no expert fits (chit-chat, general knowledge, tasks for other apps), added after the first evaluation.
CHAT = [
    'good morning', 'bye', 'yo', 'cool thanks', 'nice', 'what can you do?', 'are you a robot', 'tell me about yourself',
    'how old are you', 'do you like music', 'what is love', 'can we talk', 'I am bored', 'make me laugh', 'say something',
    'what is the meaning of life', 'who invented the telephone', 'what is the population of Japan', 'how far is the moon',
    'when did world war 2 end', 'what language do they speak in Brazil', 'how many legs does a spider have', 'what is DNA',
    'explain blockchain', 'what is machine learning', 'how does wifi work', 'why is the ocean salty', 'what causes earthquakes',
    'write a story about a dragon', 'write an essay on climate change', 'compose an email to my boss asking for a raise',
    'write a limerick', 'generate a password', 'give me a name for my startup', 'suggest a gift for my dad', 'plan my vacation to Italy',
    'help me with my homework', 'solve x^2 - 4 = 0', 'what is the square root of 144', 'convert 100 fahrenheit to celsius',
    'how much is 20 dollars in euros', 'what day is it today', 'remind me to call mom', 'call a taxi', 'turn off the lights',
    'open youtube', 'send a text to Anna', 'find a restaurant nearby', 'navigate to the airport', 'what is the score of the game',
    'who is the president of France', 'recommend a movie for tonight', 'what is the best programming language', 'fix my code',
    'how do I center a div', 'what does HTTP stand for', 'is coffee bad for you', 'how do I lose weight', 'what should I name my dog',
    'teach me spanish', 'how do you say thank you in japanese', 'what rhymes with orange', 'define serendipity', 'spell necessary',
    'what is {topic}?', 'tell me a fun fact', 'who wrote pride and prejudice', 'how do airplanes fly', 'what is inflation',
]
