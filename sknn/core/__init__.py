"""sknn's NumPy engine: everything needed to train a multi-layer perceptron.

This package never imports scikit-learn. Read it in this order:

1. ``activations.py``  f(Z) and its derivative, one class each
2. ``losses.py``       each loss with its output activation; why dL/dZ = A - Y
3. ``initializers.py`` how the first weights are drawn
4. ``network.py``      flat parameters, forward, backward, dropout
5. ``prediction.py``   a fitted network's forward pass, chunk by chunk
6. ``optimizers.py``   SGD < RMSProp < Adam < AdamW, updating the flat vector
   (``compiled.py``: Adam's step and the gather as loops, when numba is installed)
7. ``schedules.py``    learning rate between epochs
8. ``stopping.py``     when progress is over
9. ``checkpoint.py``   the whole state of a session, for exact rollbacks
10. ``training.py``    the training session: its settings and the epoch loop
11. ``lbfgs.py``       full-batch training through SciPy

Then the tabular recipe's extras, each optional: ``parametrization.py`` (NTK
scaling), ``parametric.py`` (activations with a learned shape),
``input_layers.py`` (feature scale, periodic embeddings) and ``data_init.py``
(weights and biases fitted to the data at the start).

Symbols used throughout:

========  ==========================================================
X         inputs, shape (n_samples, n_features)
Y         targets, shape (n_samples, n_outputs); one-hot for classes
W_i, b_i  weights (fan_in, fan_out) and biases (fan_out,) of layer i
Z_i       pre-activations A_{i-1} W_i + b_i
A_i       activations f_i(Z_i); A_{-1} = X
delta_i   dL/dZ_i, the error signal carried backwards
s, S      sample weights and their sum
alpha     L2 penalty strength
========  ==========================================================
"""
