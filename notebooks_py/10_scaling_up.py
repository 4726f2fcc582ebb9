# ---
# jupyter:
#   jupytext:
#     formats: notebooks///ipynb,notebooks_py///py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10 — Going further: GPUs and many machines
#
# You measure where the training time of the course's CIFAR-10 recipe goes on your computer,
# see what a GPU changes, and train the same model with a distribution strategy: over two
# devices of one machine, then over two worker processes that talk to each other as two
# machines would. Last, you stop a training run on purpose and resume it.
#
# [![Open in Binder][binder-badge]][binder] [![Open in Colab][colab-badge]][colab]
#
# [binder]: https://mybinder.org/v2/gh/cnn-course/image-classification-cnn/main?urlpath=lab/tree/notebooks/10_scaling_up.ipynb
# [colab]: https://colab.research.google.com/github/cnn-course/image-classification-cnn/blob/main/notebooks/10_scaling_up.ipynb
# [binder-badge]: https://mybinder.org/badge_logo.svg
# [colab-badge]: https://colab.research.google.com/assets/colab-badge.svg

# %% [markdown]
# ## Learning objectives
#
# By the end of this notebook you will be able to:
#
# - count the multiply-adds of a training step from the layer shapes, and compare the rate
#   your computer reaches with its own peak;
# - switch Colab to a GPU, and say when mixed precision and a bigger batch pay;
# - train the course's recipe with `MirroredStrategy` (one machine, several devices) and with
#   `MultiWorkerMirroredStrategy` (several machines), using the global batch size;
# - stop a training run and resume it from its last finished epoch with `BackupAndRestore`.
#
# **Estimated time:** about 50 minutes, of which 1.5 to 4 minutes are training on a 2-core
# laptop and 15 minutes are exercises.
#
# **Before you start:** lesson 02 (the better CIFAR-10 recipe, its learning-rate schedule).

# %% [markdown]
# ## On Google Colab? Run this cell first
#
# If you opened this lesson in Google Colab, the next cell installs the course's helper
# package `course_utils` from GitHub (it takes under a minute). Anywhere else (JupyterLab on
# your computer, Binder) it checks that `course_utils` is there and does nothing more.

# %%
import sys

if "google.colab" in sys.modules:
    try:
        import course_utils  # noqa: F401
    except ImportError:
        import subprocess

        url = "git+https://github.com/cnn-course/image-classification-cnn@main"
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", url], check=True)

# %% [markdown]
# ## Setup
#
# `distributed.split_cpu(2)` comes first: it splits the processor into two *logical* devices
# for section 3, and TensorFlow allows that only before it has started. If you see "cannot be
# split into 2 now", restart the kernel and run this cell first.

# %%
import tempfile
import time
from pathlib import Path

import course_utils
import numpy as np
from course_utils import data, distributed, models, pipelines, scaling, worker_training
from course_utils.exercises import (
    check_dominant_layers,
    check_global_batch,
    check_model_under_strategy,
)
from course_utils.multiworker import run_script, run_until, run_workers
from course_utils.quiz import Question, show_quiz
from course_utils.resumable import read_record, resume_report

distributed.split_cpu(2)
course_utils.setup(seed=42)

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

(x_train, y_train), (x_test, y_test) = data.load_cifar10()
work = Path(tempfile.mkdtemp(prefix="lesson10-"))  # the workers' logs and backups go here

# %% [markdown]
# ## 1. Where the time goes on this computer
#
# A *multiply-add* (MAC) is one `a * b + c`, the work of one weight on one input. A 3×3
# convolution over `c_in` input channels does `3 × 3 × c_in` of them for every number it
# outputs, so a layer's count follows from its shapes: output height × width × channels ×
# 3 × 3 × `c_in`. `scaling.count_macs` does that for every layer of lesson 02's better model.

# %%
model = models.better_cifar_model(steps_per_epoch=100, epochs=1)
table = scaling.count_macs(model)
print(table)

# %% [markdown]
# *Figure: a horizontal bar chart, one bar per convolution and Dense layer of the better
# CIFAR-10 model in the model's order, of the millions of multiply-adds each does for one
# image; each bar is labelled with its share of the total; the bars of the later
# convolutions are the longest.*

# %%
fig = scaling.plot_macs(table)

# %% [markdown]
# The layers with many channels dominate, although their images are smaller: a convolution's
# work grows with input channels × output channels. One image takes 15,043,072<!--out-->
# multiply-adds to classify. Training costs about three times that: the forward pass, the
# gradient of every weight (as many multiply-adds again) and the gradient of every layer's
# input (the same again, except for the first layer).
#
# Now time one training step of 128 images, and compare with the fastest thing your processor
# does: a large matrix product, which keeps every core busy.

# %%
step = scaling.time_training_step(model, x_train, y_train, batch_size=128,
                                  steps=course_utils.fast_size(10, 3))
peak = scaling.peak_rate(repeats=course_utils.fast_size(5, 2))
achieved = table.training_macs(128) / step.median_s
print(step)
print(peak)
print(f"training: {table.training_macs(128) / 1e9:.2f} billion multiply-adds a step, "
      f"{achieved / 1e9:.1f} billion per second = {achieved / peak.macs_per_s:.0%} of the peak")
print(f"reaching the peak would make training {peak.macs_per_s / achieved:.1f} times faster")

# %% [markdown]
# Training reaches 79%<!--out--> of what a matrix product reaches on this computer. The
# rest goes to what is not one big product: the small images of the later layers, batch
# normalization, pooling, the optimizer, and moving data between them. So on this CPU, better
# software could make training at most about 1.3<!--out--> times faster. (If the share comes
# out near or above 100%, another program was using the processor while the matrix product
# was timed: close it and run the cell again.) More speed needs more multiply-adds per second,
# which is what a GPU has: NVIDIA specifies 65 TFLOPS in float16 for a T4 (Colab's free GPU),
# about 32,000 billion multiply-adds a second, against about a hundred billion measured here.
# Real training reaches only part of such a peak too; section 2 is how to try.

# %% [markdown]
# ## 2. On a GPU
#
# In Colab: *Runtime → Change runtime type → T4 GPU → Save*, then run this lesson again from
# the top. Nothing in it changes: TensorFlow puts the work on the GPU when there is one, and
# `strategy_for_devices` (section 3) picks the strategy for the devices present. The next cell
# says which devices this run had.

# %%
gpus = tf.config.list_physical_devices("GPU")
print("GPUs:", [gpu.name for gpu in gpus] or "none: this run is on the CPU")
pays, why = distributed.mixed_precision_pays()
print(f"mixed precision pays here: {pays} ({why})")

# %% [markdown]
# **Mixed precision** computes in 16-bit numbers and keeps the weights in 32 bits. On a GPU
# with Tensor Cores (a T4 or newer) `keras.mixed_precision.set_global_policy("mixed_float16")`
# makes the products several times faster. On a CPU it does not pay: float16 is emulated. The
# cell below measures instead of guessing: on a GPU with Tensor Cores it times
# `mixed_float16`; elsewhere `mixed_bfloat16`, the 16-bit format some server CPUs multiply
# fast.

# %%
policy = "mixed_float16" if pays else "mixed_bfloat16"
keras.mixed_precision.set_global_policy(policy)
mixed = models.better_cifar_model(steps_per_epoch=100, epochs=1)
mixed_step = scaling.time_training_step(mixed, x_train, y_train, batch_size=128,
                                        steps=course_utils.fast_size(5, 1),
                                        warmup=course_utils.fast_size(2, 1))
keras.mixed_precision.set_global_policy("float32")  # back to normal for the rest
print(f"float32: {step.median_s * 1000:.0f} ms a step; {policy}: "
      f"{mixed_step.median_s * 1000:.0f} ms a step ({mixed_step.median_s / step.median_s:.1f}×)")
print(peak)
print(scaling.peak_rate(dtype="bfloat16", repeats=course_utils.fast_size(5, 2)))

# %% [markdown]
# Here a `mixed_bfloat16` step took 0.7<!--out--> times as long as a float32 one. This
# processor multiplies bfloat16 numbers fast, probably with instructions made for them (recent
# server processors have AVX-512 BF16): its bfloat16 matrix product reached 203.6<!--out-->
# billion multiply-adds a second against 106.9<!--out--> in float32.
# The step gains much less than the products, because only part of a step is products and
# every layer converts between the two formats. Where a processor has no such instructions,
# bfloat16 is emulated and the same cell measures a slower step (9.2 times slower, in an
# earlier run of this lesson on another 2-core machine). So measure it on your own computer,
# and if it pays, compare the validation accuracy too: bfloat16 keeps only 8 bits of each
# number's precision.
#
# **Batch size and learning rate go together.** A GPU is faster with bigger batches (more
# work at once), but a batch twice as big gives half as many steps an epoch. The linear
# scaling rule multiplies the learning rate by the same factor as the batch, as a starting
# point to check on the validation set:

# %%
recipe = models.BETTER_CIFAR
for batch in (128, 256, 512):
    rate = distributed.scaled_learning_rate(recipe.peak_learning_rate, recipe.batch_size, batch)
    print(f"batch {batch}: peak learning rate {rate:g}")

# %% [markdown]
# ## 3. One machine, several devices: `MirroredStrategy`
#
# A *distribution strategy* keeps one copy of the model on each device (a *replica*), splits
# every batch between them, and adds up their gradients before each update, so all copies
# stay equal. With several GPUs that is `tf.distribute.MirroredStrategy`; here the two logical
# CPU devices of the setup cell stand in for two GPUs.

# %%
strategy = distributed.strategy_for_devices()
print(distributed.describe(strategy))
global_batch = distributed.global_batch_size(64, strategy.num_replicas_in_sync)
print(f"64 images per replica × {strategy.num_replicas_in_sync} replicas = "
      f"a global batch of {global_batch}")

# %% [markdown]
# The batch you give the pipeline is the **global** batch: each replica gets its share. So
# the recipe's batch of 128 stays 128, and its learning rate stays. Everything that makes
# variables (the model, its optimizer) must be built under `strategy.scope()`; the recipe
# takes the strategy and does that (`models.better_cifar_model(..., strategy=strategy)`).
# The cell trains the same recipe for one epoch on 20,000 images (18,000 to train, 2,000 to
# validate), once without a strategy and once with it, from the same seed.

# %%
x_fit, y_fit = course_utils.shrink(x_train[:20000], y_train[:20000], fast=1024)
epochs = 1
trained = {}
for name, chosen in (("no strategy", None), ("MirroredStrategy", strategy)):
    keras.utils.set_random_seed(42)
    with distributed.strategy_scope(chosen):
        train_ds, val_ds = pipelines.train_val_datasets(x_fit, y_fit, batch_size=global_batch)
        trained[name] = models.better_cifar_model(len(train_ds), epochs, strategy=chosen)
    start = time.perf_counter()
    history = trained[name].fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=0)
    print(f"{name:>16}: {len(train_ds)} steps in {time.perf_counter() - start:5.1f} s, "
          f"validation accuracy {history.history['val_accuracy'][-1]:.4f}")

# %% [markdown]
# Both validation accuracies are low: 0.1745<!--out--> without the strategy and
# 0.2110<!--out--> with it. Low, probably because of batch normalization: while training, it
# scales each batch with that batch's own mean and variance; for predictions it uses running
# averages of them, which move only 1% of the way towards each new batch (`momentum=0.99`).
# After 141<!--out--> steps, 0.99¹⁴¹ = 24% of each average is still its starting value, so
# predictions are made with statistics the network never trained with. The next cell checks
# this hypothesis: it measures the same validation images with each batch's own statistics
# (`training=True`, on a copy of each model, so that the models themselves are not changed; it
# also switches on the random flips and shifts of the augmentation layers).

# %%
n_val = round(len(x_fit) * models.BETTER_CIFAR.validation_fraction)
x_val, y_val = x_fit[-n_val:], y_fit[-n_val:]  # the images val_ds holds
for name, fitted in trained.items():
    probe = keras.models.clone_model(fitted)  # a copy, outside any strategy
    probe.set_weights(fitted.get_weights())
    right = [np.argmax(probe(x_val[i:i + 500], training=True), axis=-1) == y_val[i:i + 500]
             for i in range(0, n_val, 500)]
    print(f"{name:>16}: validation accuracy {np.mean(np.concatenate(right)):.4f} "
          "with each batch's own statistics")

# %% [markdown]
# With each batch's own statistics both models get more than half of the answers right
# (0.5415<!--out--> and 0.5380<!--out-->), 0.35 points apart instead of almost 4: they did learn,
# about equally well, and the hypothesis holds. The running averages only need more steps
# (lesson 02's eight epochs give them about 2,800). The two models are not exactly equal: each
# replica's batch normalization computes its statistics over its own 64 images, not all 128,
# and the random augmentation draws differ. The strategy does not change what the model learns.
#
# The strategy took 12.9<!--out--> s against 11.4<!--out--> s without it: a little longer.
# Slower is what you should expect here: the two logical devices share the same two cores,
# which TensorFlow already kept busy with one device, and the strategy adds the work of
# splitting batches and adding gradients. With two real GPUs each replica has a processor of
# its own, and the same code can run close to twice as fast once the model is big enough for
# the adding to be cheap next to the products (not measured here: no GPU).

# %% [markdown]
# ## 4. Several machines: `MultiWorkerMirroredStrategy`
#
# On several machines, each machine runs the same script. The environment variable
# `TF_CONFIG` tells each one the addresses of all *workers* and which one it is;
# `tf.distribute.MultiWorkerMirroredStrategy()` reads it, connects to the others, and then
# works like `MirroredStrategy`, adding gradients over the network. `run_workers` starts two
# workers on this computer (addresses `127.0.0.1:port`), as a cluster's job scheduler would
# start one per machine, waits for both and collects what they report. The script is
# `python -m course_utils.worker_training`.
#
# First, Keras' own `fit` under this strategy. It is reported broken in Keras 3
# ([keras-team/keras#20585](https://github.com/keras-team/keras/issues/20585),
# [tensorflow/tensorflow#72388](https://github.com/tensorflow/tensorflow/issues/72388)); the
# cell tries it and prints what each worker reported.

# %%
small = ["--epochs", "1", "--images", str(course_utils.fast_size(2048, 512))]
fit_runs = run_workers(2, ["--mode", "fit", *small], timeout=300, workdir=work / "fit")
for run in fit_runs:
    print(run)

# %% [markdown]
# What the workers reported (this cell's output is checked when the course's tests run the
# lesson, so the course notices the day Keras fixes `fit`):

# %%
# NBVAL_CHECK_OUTPUT
print("a worker finished:", any(run.ok for run in fit_runs))
for run in fit_runs:
    print(f"worker {run.index}:", run.result.get("error", "no error"))

# %% [markdown]
# Both workers fail in their first step: Keras' `fit` hands TensorFlow a value that is
# still split per replica (`PerReplica`) where one tensor is expected, so it stops with
# "unsupported type". Until that is fixed, the smallest honest way round is to write the
# training step yourself. It is short: each replica computes the loss on its share of the
# batch, averaged over the *global* batch, and the optimizer adds up the gradients of all
# replicas on all workers before it updates:

# %%
course_utils.show_source(worker_training.custom_fit)

# %% [markdown]
# The two workers train lesson 02's recipe for two epochs on 4,096 images (each takes every
# other image), then each predicts the same 1,000 validation images and reports a checksum
# of its trained weights (the sum of their absolute values).

# %%
args = ["--mode", "custom", "--epochs", str(course_utils.epochs(2)),
        "--images", str(course_utils.fast_size(4096, 512))]
runs = run_workers(2, args, timeout=600, workdir=work / "custom")
for run in runs:
    print(run)
    print(run.log_tail(3))

# %% [markdown]
# Compare what the two workers report (checked by the course's tests, like the cell above):

# %%
# NBVAL_CHECK_OUTPUT
first, second = (run.result for run in runs)
print("both workers finished:", all(run.ok for run in runs))
print("replicas in sync on each worker:", first["replicas"], second["replicas"])
print("equal trained weights:",
      first["trained_weights_checksum"] == second["trained_weights_checksum"])
print("equal losses in every epoch:",
      [row["loss"] for row in first["history"]] == [row["loss"] for row in second["history"]])

# %% [markdown]
# Both workers end with the same weights (equal checksums), the same losses and so the same
# validation accuracy: they are two copies of one model, trained together. That accuracy,
# 0.0860<!--out-->, is far below the training accuracy for the reason of section 3: after 64
# steps the running averages of batch normalization are still more than half their starting
# values (0.99⁶⁴ = 53%). Batch normalization's running
# averages are left out of the checksum: each replica keeps its own (the layer's
# `synchronized=True` would share them).
#
# **On real machines** you would start the same command on each, with its own `TF_CONFIG`:
# on machine `node0`
#
# ```bash
# export TF_CONFIG='{"cluster": {"worker": ["node0:12345", "node1:12345"]},
#                    "task": {"type": "worker", "index": 0}}'
# python -m course_utils.worker_training --mode custom --result r0.json
# ```
#
# and the same on `node1` with `"index": 1`. Cluster schedulers write `TF_CONFIG` for you: on Slurm,
# `tf.distribute.cluster_resolver.SlurmClusterResolver` reads it from `srun`'s variables; on
# Kubernetes, Kubeflow's training operator (`TFJob`) sets it in every pod. This lesson ran
# only the two local workers; the cluster commands are not run here.

# %% [markdown]
# ### Stop and resume: `BackupAndRestore`
#
# Long runs get stopped: a cloud machine is taken back, a cluster job runs out of time, a
# laptop is closed. `keras.callbacks.BackupAndRestore(folder)` saves the model, the optimizer
# and the epoch number at the end of every epoch; started again with the same folder, `fit`
# restores them and carries on with the first unfinished epoch. The script
# `python -m course_utils.resumable` trains with it for three epochs. `run_until` starts it and
# kills it hard (as pulling the plug would) halfway through epoch 2; then `run_script` starts
# it again, unchanged.

# %%
args = ["--backup", work / "backup", "--record", work / "record.jsonl", "--epochs", "3",
        "--images", str(course_utils.fast_size(2048, 512))]
stopped = run_until("course_utils.resumable", args, marker="halfway through epoch 2")
print(f"first run, exit code {stopped.returncode} (killed):")
print(stopped.log_tail(3))
backup_after_kill = (work / "backup").exists()
again = run_script("course_utils.resumable", args)
print("second run:")
print(again.log_tail(6))

# %%
# NBVAL_CHECK_OUTPUT
print(f"first run: exit code {stopped.returncode}, backup folder there: {backup_after_kill}")
print(f"second run: exit code {again.returncode}")
print(resume_report(read_record(work / "record.jsonl")))
print("backup folder left at the end:", (work / "backup").exists())

# %% [markdown]
# The second run began with epoch 2, at the optimizer step where epoch 1 had ended, with the
# same weights (`same_weights: True`): only the half of epoch 2 done before the kill was
# lost. At the end `BackupAndRestore` deleted its folder. Under `MultiWorkerMirroredStrategy`
# the same callback makes a whole cluster restart from its last epoch when a worker dies.

# %% [markdown]
# ## Test accuracy, once
#
# The model trained with `MirroredStrategy` in section 3 is measured once on the test set.
# It trained for one epoch on 18,000 images, and its batch normalization still has the
# running averages of section 3, so expect about its validation accuracy there, far less than
# lesson 02's 80%: this lesson is about where training runs, not about a better model.

# %%
_, test_accuracy = trained["MirroredStrategy"].evaluate(x_test, y_test, batch_size=256,
                                                        verbose=0)
print(f"Test accuracy: {test_accuracy:.4f}")

# %% [markdown]
# ## Exercise 1: the global batch for four GPUs
#
# You move the recipe (batch 128, peak learning rate 0.003) to a machine with four GPUs and
# give each GPU 64 images per step. What is the global batch size, and what learning rate does
# the linear rule give it? Put the two numbers in the dict.

# %%
answer = {"global batch": None, "learning rate": None}  # your numbers here

passed = check_global_batch(answer)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# answer = {"global batch": 64 * 4, "learning rate": 0.003 * (64 * 4) / 128}
# ```
# 4 replicas × 64 images = 256, twice the recipe's batch, so twice its learning rate: 0.006.
# `distributed.scaled_learning_rate(0.003, 128, 256)` gives the same.
# </details>

# %% [markdown]
# ## Exercise 2: which layers do the work?
#
# From the table of section 1, list the fewest layer names whose multiply-adds add up to at
# least 90% of the total. (`table.layers` holds the rows; each has `.name` and `.macs`.)

# %%
dominant = []  # layer names, e.g. ["conv2d"]

passed = check_dominant_layers(dominant, table)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# ranked = sorted(table.layers, key=lambda row: row.macs, reverse=True)
# dominant, total = [], 0
# for row in ranked:
#     if total >= 0.9 * table.forward_macs:
#         break
#     dominant.append(row.name)
#     total += row.macs
# ```
# </details>

# %% [markdown]
# ## Exercise 3: build a model under the strategy
#
# Build and compile a small CNN of your own under the `MirroredStrategy` of section 3: inputs
# of shape (32, 32, 3), `Rescaling(1 / 255)`, two `Conv2D` layers, global average pooling and
# a `Dense(10, activation="softmax")`; compile it with Adam and
# `sparse_categorical_crossentropy`. The check looks at where its weights live.

# %%
my_model = None  # your code here

passed = check_model_under_strategy(my_model, strategy)

# %% [markdown]
# <details><summary>Solution</summary>
#
# ```python
# with strategy.scope():
#     my_model = keras.Sequential([
#         keras.Input((32, 32, 3)),
#         keras.layers.Rescaling(1 / 255),
#         keras.layers.Conv2D(16, 3, activation="relu"),
#         keras.layers.Conv2D(32, 3, activation="relu"),
#         keras.layers.GlobalAveragePooling2D(),
#         keras.layers.Dense(10, activation="softmax"),
#     ])
#     my_model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
#                      metrics=["accuracy"])
# ```
# </details>

# %% [markdown]
# ## Quiz

# %%
# NBVAL_IGNORE_OUTPUT
show_quiz([
    Question(
        "Training already reaches most of your CPU's matrix-product peak. What would make "
        "it several times faster?",
        ["A better optimizer", "Hardware with many more multiply-adds per second, such as a "
         "GPU", "Two logical CPU devices with MirroredStrategy"],
        answer=1,
        explanation="Software can win at most the missing part of the peak; a GPU does many "
                    "times more multiply-adds a second.",
    ),
    Question(
        "MirroredStrategy over 2 GPUs, and the pipeline's batch is 256. How many images does "
        "each GPU work on per step?",
        ["256", "128", "512"],
        answer=1,
        explanation="The pipeline's batch is the global batch; each replica gets its share.",
    ),
    Question(
        "Where must the model be built and compiled for a strategy to use it?",
        ["Anywhere, then call strategy.run", "Inside `with strategy.scope():`",
         "In each worker's TF_CONFIG"],
        answer=1,
        explanation="Variables made under the scope are mirrored on every replica.",
    ),
    Question(
        "A run with BackupAndRestore is killed halfway through epoch 5. Where does the "
        "restart begin?",
        ["Epoch 1", "Halfway through epoch 5", "At the start of epoch 5, with the weights "
         "of the end of epoch 4"],
        answer=2,
        explanation="The backup is written at the end of each epoch; the half epoch is done "
                    "again.",
    ),
], title="Lesson 10 quiz")

# %% [markdown]
# ## Key points
#
# - Count multiply-adds from the shapes and compare the achieved rate with a matrix
#   product's: it tells you how much software can still win and when you need other hardware.
# - On a GPU the same code runs unchanged; mixed precision pays on Tensor Cores. On a CPU,
#   `mixed_bfloat16` pays only with bfloat16 instructions (measured here: a step 0.7 times
#   as long); elsewhere it is slower. Measure before you switch.
# - A strategy's batch is the global batch; build and compile under `strategy.scope()`; a
#   bigger global batch starts from a proportionally bigger learning rate.
# - Two logical devices on the same cores do not go faster; the strategy pays with devices of
#   their own.
# - Several machines: the same script on each, `TF_CONFIG` says who is who. Keras 3's `fit`
#   fails under `MultiWorkerMirroredStrategy` (keras#20585); a short custom step works.
# - `BackupAndRestore` makes a stopped run lose at most the epoch it was in.

# %% [markdown]
# ## Further reading
#
# - TensorFlow: [Distributed training with TensorFlow](https://www.tensorflow.org/guide/distributed_training)
#   and [Multi-worker training with Keras](https://www.tensorflow.org/tutorials/distribute/multi_worker_with_keras)
# - TensorFlow: [Custom training with tf.distribute.Strategy](https://www.tensorflow.org/tutorials/distribute/custom_training)
# - Keras: [Mixed precision](https://keras.io/api/mixed_precision/) and
#   [Multi-GPU distributed training with TensorFlow](https://keras.io/guides/distributed_training_with_tensorflow/)
# - Keras: [BackupAndRestore](https://keras.io/api/callbacks/backup_and_restore/)
# - Goyal et al., [Accurate, large minibatch SGD: training ImageNet in 1 hour](https://arxiv.org/abs/1706.02677)
#   (2017): the linear scaling rule and warm-up.
# - Colab: [Using a GPU](https://colab.research.google.com/notebooks/gpu.ipynb)
# - The course's [hosting guide](../docs/hosting.md): one JupyterHub server for a whole class.
