"""
Dropout: holding back a network that memorises
===============================================

Two identical networks (two hidden layers of 256 ReLU units) train on 200
noisy samples of a 40-feature problem, epoch by epoch with ``partial_fit``:
one without dropout, one dropping 70% of the hidden units at every step.
Without dropout the training loss falls to zero within a few epochs while the
validation loss turns and climbs: the network memorises the noise. Dropout
slows the memorising, so the validation loss reaches its minimum later and
climbs far less.

The script prints both networks' best and final validation losses, then draws
the training and validation curves.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknn import FirstNetClassifier

X, y = make_classification(
    n_samples=1200, n_features=40, n_informative=6, flip_y=0.15, random_state=0
)
X_train, X_val, y_train, y_val = train_test_split(
    X, y, train_size=200, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_val = scaler.transform(X_train), scaler.transform(X_val)

# %%
# One epoch at a time
# -------------------
# Each ``partial_fit`` call is one epoch, after which both losses are
# measured. Prediction uses every unit: dropout acts only while training.

epochs = range(1, 101)
curves = {}
print(f"validation log loss after {len(epochs)} epochs on {len(y_train)} samples")
for name, rate in {"no dropout": 0.0, "dropout 0.7": 0.7}.items():
    net = FirstNetClassifier(
        hidden_layer_sizes=(256, 256),
        dropout=rate,
        learning_rate_init=0.001,
        batch_size=50,
        random_state=0,
    )
    train, validation = curves[name] = [], []
    for _ in epochs:
        net.partial_fit(X_train, y_train, classes=[0, 1])
        train.append(log_loss(y_train, net.predict_proba(X_train)))
        validation.append(log_loss(y_val, net.predict_proba(X_val)))
    best = min(epochs, key=lambda epoch: validation[epoch - 1])
    print(
        f"  {name:12} best {validation[best - 1]:.3f} (epoch {best:3d}), final "
        f"{validation[-1]:.3f}; final training loss {train[-1]:.3f}, "
        f"validation accuracy {net.score(X_val, y_val):.3f}"
    )

# %%
# Training against validation loss
# --------------------------------

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True, layout="constrained")
for ax, (name, (train, validation)) in zip(axes, curves.items()):
    ax.plot(epochs, train, label="train")
    ax.plot(epochs, validation, label="validation")
    ax.set(title=name, xlabel="epoch")
    ax.legend()
axes[0].set_ylabel("log loss")
plt.show()
