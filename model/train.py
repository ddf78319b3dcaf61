"""Train the row-LSTM on MNIST: python -m model.train

Reads top to bottom like a keras-io example: settings, data, model, train, save, evaluate.
The epoch is chosen on a validation split carved out of the 60,000 training images; the
10,000 test images are touched only by the final report (model/evaluate.py).
"""

import argparse
import json
import time
from dataclasses import asdict
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from model import evaluate
from model.augment import AugmentSettings, augment
from model.config import CONFIG, METRICS_PATH, MODEL_PATH
from model.data import load_mnist, to_unit_float, validation_split
from model.network import build_model

# --- settings (each is also a command-line flag) ---------------------------------------------
EPOCHS = 40  # with augmentation the model keeps improving well past the 12 epochs it needs without
BATCH_SIZE = 128
LEARNING_RATE = 2e-3  # peak of a cosine decay to zero: fast early progress, a calm finish
CLIP_NORM = 1.0  # LSTMs see occasional exploding gradients; clipping keeps Adam's steps sane
VALIDATION_SIZE = 5_000  # held out of the training images to choose the epoch
AUGMENT = True


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder with the MNIST IDX files (default: $MNIST_DIR)")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--learning-rate", type=float, default=LEARNING_RATE)
    parser.add_argument("--clip-norm", type=float, default=CLIP_NORM)
    parser.add_argument("--validation-size", type=int, default=VALIDATION_SIZE)
    parser.add_argument("--no-augment", dest="augment", action="store_false", default=AUGMENT)
    parser.add_argument("--seed", type=int, default=CONFIG.seed)
    parser.add_argument("--train-limit", type=int, help="train on only this many images (smoke tests)")
    parser.add_argument("--eval-limit", type=int, help="evaluate on only this many images (smoke tests)")
    parser.add_argument("--model-path", type=Path, default=MODEL_PATH)
    parser.add_argument("--metrics-path", type=Path, default=METRICS_PATH)
    return parser.parse_args(argv)


def make_dataset(images, labels, args, generator, settings) -> tf.data.Dataset:
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    dataset = dataset.shuffle(len(images), seed=args.seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(args.batch_size)
    if args.augment:
        dataset = dataset.map(lambda x, y: (augment(x, generator, settings), y))
    return dataset.prefetch(tf.data.AUTOTUNE)


def main(argv=None) -> None:
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    settings = AugmentSettings()

    # --- data ---------------------------------------------------------------------------------
    mnist = load_mnist(args.data_dir)
    train_index, validation_index = validation_split(
        len(mnist.train_images), args.validation_size, args.seed
    )
    if args.train_limit:
        train_index = train_index[: args.train_limit]
    train_images = to_unit_float(mnist.train_images[train_index])
    train_labels = mnist.train_labels[train_index]
    validation = (to_unit_float(mnist.train_images[validation_index]),
                  mnist.train_labels[validation_index])
    print(f"MNIST from {mnist.source}: {len(train_index)} training, "
          f"{len(validation_index)} validation images", flush=True)

    # --- model --------------------------------------------------------------------------------
    model = build_model()
    steps = args.epochs * int(np.ceil(len(train_images) / args.batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(args.learning_rate, decay_steps=steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule, clipnorm=args.clip_norm),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    # --- train: keep the weights of the epoch with the best validation accuracy ---------------
    generator = tf.random.Generator.from_seed(args.seed)
    best = keras.callbacks.ModelCheckpoint(
        str(args.model_path.with_suffix(".best.weights.h5")), monitor="val_accuracy",
        save_best_only=True, save_weights_only=True,
    )
    started = time.perf_counter()
    history = model.fit(
        make_dataset(train_images, train_labels, args, generator, settings),
        validation_data=validation, epochs=args.epochs, callbacks=[best], verbose=2,
        shuffle=False,  # make_dataset already reshuffles every epoch
    )
    training_seconds = time.perf_counter() - started
    model.load_weights(best.filepath)
    Path(best.filepath).unlink()
    best_epoch = int(np.argmax(history.history["val_accuracy"])) + 1

    # --- save: a fresh, uncompiled copy, so no optimizer state goes into the file ------------
    final = build_model()
    final.set_weights(model.get_weights())
    args.model_path.parent.mkdir(parents=True, exist_ok=True)
    final.save(args.model_path)
    print(f"saved {args.model_path} ({args.model_path.stat().st_size / 1024:.0f} KiB), "
          f"epoch {best_epoch} of {args.epochs}", flush=True)

    # --- evaluate: the figures the page shows ------------------------------------------------
    training = {
        "settings": {key: (str(value) if isinstance(value, Path) else value)
                     for key, value in vars(args).items()},
        "augmentation": asdict(settings) if args.augment else None,
        "best_epoch": best_epoch,
        "validation_accuracy": float(history.history["val_accuracy"][best_epoch - 1]),
        "history": {key: [float(v) for v in values] for key, values in history.history.items()},
        "seconds": round(training_seconds, 1),
        "training_images": int(len(train_index)),
        "validation_images": int(len(validation_index)),
    }
    metrics = evaluate.measure(args.model_path, mnist, training, limit=args.eval_limit)
    args.metrics_path.write_text(json.dumps(metrics, indent=1) + "\n")
    print(f"test accuracy {metrics['test_accuracy']:.4f}; wrote {args.metrics_path}", flush=True)


if __name__ == "__main__":
    main()
