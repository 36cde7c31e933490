"""
Regression: a straight line, then a curve
=========================================

1. Linear: ``y = 3 x - 2 + noise``. With ``activation='identity'`` every layer
   is linear, so the whole network is one straight line, whose slope and
   intercept can be read off its weights. They match an ordinary least-squares
   fit.
2. Non-linear: ``y = sin(2 x) + x / 2 + noise``. A straight line cannot follow
   it; two hidden layers of tanh units can.

The script prints the test R² of each model, and the recovered slope and
intercept, then draws the data, the truth and the predictions.
"""

from functools import reduce

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split

from sknn import FirstNetRegressor

rng = np.random.default_rng(0)
training = dict(learning_rate_init=0.01, max_iter=500, random_state=0)


def noisy_samples(truth):
    x = rng.uniform(-3.0, 3.0, size=400)
    y = truth(x) + 0.3 * rng.standard_normal(400)
    return train_test_split(x.reshape(-1, 1), y, test_size=0.25, random_state=0)


# %%
# A linear network is a straight line
# -----------------------------------
# Layer k maps ``a`` to ``a @ W_k + b_k``. With identity activations the
# layers chain into one line: the slope is the product of the weight
# matrices, and the intercept is each bias carried through the later layers.


def line(x):
    return 3.0 * x - 2.0


X_train, X_test, y_train, y_test = noisy_samples(line)
linear = FirstNetRegressor(hidden_layer_sizes=(4,), activation="identity", **training)
linear.fit(X_train, y_train)
least_squares = LinearRegression().fit(X_train, y_train)
slope = reduce(np.matmul, linear.coefs_).item()
intercept = np.zeros(1)
for W, b in zip(linear.coefs_, linear.intercepts_):
    intercept = intercept @ W + b
print("Linear target y = 3 x - 2 + noise, test R²:")
print(f"  FirstNetRegressor, identity (4,) {linear.score(X_test, y_test):.3f}")
print(f"  LinearRegression                 {least_squares.score(X_test, y_test):.3f}")
print(f"  slope {slope:.3f}, intercept {intercept.item():.3f} from the weights")
print(
    f"  slope {least_squares.coef_[0]:.3f}, "
    f"intercept {least_squares.intercept_:.3f} by least squares"
)
panels = [(line, linear, X_test, y_test)]

# %%
# A curve needs non-linear hidden units
# -------------------------------------
# The noise caps what any model can score: the true function itself shows how.


def curve(x):
    return np.sin(2.0 * x) + 0.5 * x


X_train, X_test, y_train, y_test = noisy_samples(curve)
nonlinear = FirstNetRegressor(hidden_layer_sizes=(32, 32), activation="tanh")
nonlinear.set_params(**training).fit(X_train, y_train)
least_squares = LinearRegression().fit(X_train, y_train)
print("Non-linear target y = sin(2 x) + x / 2 + noise, test R²:")
print(f"  FirstNetRegressor, tanh (32, 32) {nonlinear.score(X_test, y_test):.3f}")
print(f"  LinearRegression                 {least_squares.score(X_test, y_test):.3f}")
print(f"  the true function itself         {r2_score(y_test, curve(X_test[:, 0])):.3f}")
panels.append((curve, nonlinear, X_test, y_test))

# %%
# Predictions against the truth
# -----------------------------

fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
x = np.linspace(-3.0, 3.0, 300)
for ax, (truth, network, X_test, y_test) in zip(axes, panels):
    r2 = network.score(X_test, y_test)
    ax.scatter(X_test[:, 0], y_test, s=10, color="0.6", label="test data")
    ax.plot(x, truth(x), "k--", label="truth")
    ax.plot(x, network.predict(x[:, None]), "C3", label=f"prediction (R² {r2:.3f})")
    ax.set(xlabel="x", ylabel="y", title=f"{network.activation} activation")
    ax.legend()
plt.show()
