"""Baselines for `npm run eval -- language`, computed with scikit-learn in the same run as the model.

Usage: /usr/bin/python3 eval/language/baselines.py <prepared.jsonl> <split> [<sotu-task.json>]

Classification: TF-IDF features (TfidfVectorizer) fitted on the train split, then multinomial naive
Bayes and logistic regression fitted on the train split; each one's setting (sublinear tf; NB alpha;
LR C) is the one of a small grid with the best accuracy on the validation split, as the model's
choices were made there. They then predict the messages of <split> in file order.

Recall (with <sotu-task.json> = {"docs": [...], "queries": [...], "truth": [...]}): TF-IDF fitted on
the indexed paragraphs; each query's rank of its own paragraph by cosine, counting ties against it
(rank = 1 + the other paragraphs scoring at least as high), the rule the eval applies to the encoder.

Prints one JSON object on stdout; bad input exits 2 with a message on stderr.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB


def fail(message):
    print(f'baselines: {message}', file=sys.stderr)
    sys.exit(2)


def read_jsonl(path):
    try:
        with open(path, encoding='utf-8') as f:
            return [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError) as e:
        fail(f'cannot read {path}: {e}')


# The small grids the validation split chooses from (the evaluated split never chooses anything).
NB_ALPHAS = (0.01, 0.03, 0.1, 0.3, 1.0)
LR_CS = (1.0, 10.0, 100.0, 1000.0)
SUBLINEAR = (False, True)


def models():
    for sublinear in SUBLINEAR:
        for alpha in NB_ALPHAS:
            yield 'naiveBayes', {'sublinear_tf': sublinear, 'alpha': alpha}, lambda a=alpha: MultinomialNB(alpha=a)
        for c in LR_CS:
            yield 'logisticRegression', {'sublinear_tf': sublinear, 'C': c}, lambda c=c: LogisticRegression(C=c, max_iter=2000)


def classify(rows, split):
    by_split = {name: [r for r in rows if r['split'] == name] for name in ('train', 'validation', split)}
    if any(not v for v in by_split.values()):
        fail(f'no rows in the train, validation or {split!r} split')
    train, validation, held = by_split['train'], by_split['validation'], by_split[split]
    y_train = np.array([r['label'] for r in train])
    y_validation = np.array([r['label'] for r in validation])
    features = {}
    for sublinear in SUBLINEAR:
        vectorizer = TfidfVectorizer(sublinear_tf=sublinear)
        x_train = vectorizer.fit_transform([r['text'] for r in train])
        features[sublinear] = (x_train, vectorizer.transform([r['text'] for r in validation]), vectorizer.transform([r['text'] for r in held]))
    out = {'ids': [r['id'] for r in held], 'features': int(features[False][0].shape[1])}
    for name, params, make in models():
        x_train, x_validation, x_held = features[params['sublinear_tf']]
        model = make().fit(x_train, y_train)
        accuracy = float(np.mean(model.predict(x_validation) == y_validation))
        best = out.get(name)
        if best is None or accuracy > best['validationAccuracy']:  # ties keep the earlier (simpler) setting
            out[name] = {'params': params, 'validationAccuracy': accuracy, 'predictions': [int(p) for p in model.predict(x_held)]}
    return out


def recall_ranks(task):
    vectorizer = TfidfVectorizer()
    docs = vectorizer.fit_transform(task['docs'])
    queries = vectorizer.transform(task['queries'])
    # Rows are L2-normalised by TfidfVectorizer, so the dot product is the cosine.
    scores = (queries @ docs.T).toarray()
    ranks = []
    for q, truth in enumerate(task['truth']):
        row = scores[q]
        ranks.append(int(np.sum(row >= row[truth])))  # includes the true paragraph itself
    return ranks


def main():
    if len(sys.argv) not in (3, 4):
        fail('usage: baselines.py <prepared.jsonl> <split> [<sotu-task.json>]')
    rows = read_jsonl(sys.argv[1])
    result = {'sklearn': sklearn.__version__, 'classification': classify(rows, sys.argv[2])}
    if len(sys.argv) == 4:
        try:
            with open(sys.argv[3], encoding='utf-8') as f:
                task = json.load(f)
        except (OSError, ValueError) as e:
            fail(f'cannot read {sys.argv[3]}: {e}')
        result['tfidfRecallRanks'] = recall_ranks(task)
    json.dump(result, sys.stdout)


if __name__ == '__main__':
    main()
