"""The language expert, end to end: one command.

  /usr/bin/python3 training/language/train.py                 # every stage, in order
  /usr/bin/python3 training/language/train.py export fixtures # only the stages named (reruns)

Stages: prepare, tokenizer, pretrain, finetune, export, fixtures, card. Each stage reads what the
stages before it left in training/language/data/ (git-ignored), so a rerun can start anywhere.
Bad input (missing data package, unknown stage, a stage whose inputs are missing) exits with code 2.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import prepare  # noqa: E402  (stdlib only: usable before torch is checked)
import settings  # noqa: E402

STAGES = ['prepare', 'tokenizer', 'pretrain', 'finetune', 'export', 'fixtures', 'card']
METRICS = settings.path('metrics.json')


class UsageError(Exception):
    pass


def parse(argv):
    parser = argparse.ArgumentParser(description='Train the language expert (aura-bert-spam).')
    parser.add_argument('stages', nargs='*', help=f'stages to run (default: all): {", ".join(STAGES)}')
    parser.add_argument('--pretrain-steps', type=int, help='override the pretraining steps (short trial runs only)')
    parser.add_argument('--epochs', type=int, help='override the fine-tuning epochs (short trial runs only)')
    args = parser.parse_args(argv)
    unknown = [s for s in args.stages if s not in STAGES]
    if unknown:
        raise UsageError(f'unknown stage {", ".join(unknown)}; the stages are: {", ".join(STAGES)}')
    for name in ('pretrain_steps', 'epochs'):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise UsageError(f'--{name.replace("_", "-")} must be at least 1')
    return args


def require(path, stage):
    if not os.path.exists(path):
        raise prepare.DataError(f'{os.path.relpath(path, settings.ROOT)} is missing: run the "{stage}" stage first')
    return path


def load_metrics():
    if os.path.exists(METRICS):
        with open(METRICS) as f:
            return json.load(f)
    return {'stages': {}}


def save_metrics(metrics):
    os.makedirs(settings.DATA_DIR, exist_ok=True)
    with open(METRICS, 'w') as f:
        json.dump(metrics, f, indent=2)


def main(argv):
    args = parse(argv)
    stages = [s for s in STAGES if s in args.stages] if args.stages else STAGES
    prepare.require_datasets()
    import torch  # after the argument and data checks, so those answer fast
    torch.set_num_threads(settings.THREADS)
    if args.pretrain_steps:
        settings.PRETRAIN['steps'] = args.pretrain_steps
    if args.epochs:
        settings.FINETUNE['epochs'] = args.epochs

    os.makedirs(settings.DATA_DIR, exist_ok=True)
    log_file = open(settings.path('train.log'), 'a', encoding='utf-8')

    def log(message):
        line = f'[{time.strftime("%H:%M:%S")}] {message}'
        print(line, flush=True)
        log_file.write(line + '\n')
        log_file.flush()

    import corpus
    from wordpiece import WordPiece, count_words, train_vocab
    metrics = load_metrics()
    tokenizer_path = settings.path('tokenizer.json')
    log(f'stages: {" ".join(stages)} (seed {settings.SEED}, {settings.THREADS} threads)')
    for stage in stages:
        start = time.time()
        if stage == 'prepare':
            prepare.main()
        elif stage == 'tokenizer':
            counts = count_words(corpus.pretraining_texts())
            vocab = train_vocab(counts, settings.VOCAB_SIZE, settings.MIN_FREQUENCY, settings.LIMIT_ALPHABET)
            tokenizer = WordPiece(vocab, settings.MAX_LENGTH, settings.TAIL_TOKENS)
            with open(tokenizer_path, 'w', encoding='utf-8') as f:
                json.dump(tokenizer.tokenizer_json(), f, ensure_ascii=False)
            log(f'tokenizer: {len(vocab)} pieces from {len(counts)} distinct words')
        else:
            tokenizer = WordPiece.load(require(tokenizer_path, 'tokenizer'), settings.TAIL_TOKENS)
            from model import BertConfig
            if stage == 'pretrain':
                from pretrain import pretrain
                config, encoder, report = pretrain(tokenizer, log)
                torch.save({'config': config.to_dict(), 'encoder': encoder, 'settings': settings.PRETRAIN, 'report': report},
                           settings.path('pretrained.pt'))
            elif stage == 'finetune':
                from finetune import finetune
                saved = torch.load(require(settings.path('pretrained.pt'), 'pretrain'))
                config = BertConfig(**saved['config'])
                state, report = finetune(tokenizer, config, saved['encoder'], log)
                torch.save({'config': config.to_dict(), 'model': state}, settings.path('finetuned.pt'))
                metrics['finetune'] = {**report, 'settings': settings.FINETUNE}
                metrics['pretrain_settings'] = saved['settings']
                metrics['pretrain'] = saved.get('report', {})
            else:
                saved = torch.load(require(settings.path('finetuned.pt'), 'finetune'))
                config = BertConfig(**saved['config'])
                if stage == 'export':
                    from export import export
                    export(tokenizer, config, saved['model'], log)
                elif stage == 'fixtures':
                    from fixtures import write_fixtures
                    write_fixtures(tokenizer, config, saved['model'], log)
                elif stage == 'card':
                    from card import write_card
                    write_card(config, metrics, log)
        seconds = time.time() - start
        metrics['stages'][stage] = round(seconds, 1)
        save_metrics(metrics)
        log(f'{stage}: {seconds:.0f} s')
    timings = ', '.join(f'{s} {metrics["stages"].get(s, 0):.0f} s' for s in stages)
    log(f'done: {timings}')


if __name__ == '__main__':
    try:
        main(sys.argv[1:])
    except (UsageError, prepare.DataError) as error:
        print(f'error: {error}', file=sys.stderr)
        sys.exit(2)
