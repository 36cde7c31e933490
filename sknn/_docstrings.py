"""Docstring text shared by FirstNetClassifier and FirstNetRegressor.

Both estimators take the same parameters and publish the same attributes, so
their numpydoc sections are written once, here, and formatted into each class.
"""

_SHARED_DOC = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.

    activation : str or list of str, default='relu'
        Activation of the hidden layers: 'identity', 'logistic', 'tanh',
        'relu' (as scikit-learn), or 'leaky_relu' (slope 0.01), 'elu',
        'gelu' (tanh approximation), 'silu', 'selu' (Klambauer et al., 2017),
        'mish' (Misra, 2020). A list gives one per hidden layer.

    solver : {'lbfgs', 'sgd', 'adam', 'rmsprop', 'adamw'}, default='adam'
        'lbfgs' is full-batch L-BFGS through SciPy; 'sgd' has (Nesterov)
        momentum; 'rmsprop' decays its average of squared gradients with
        ``beta_2``; 'adamw' is Adam with decoupled weight decay ``alpha``.

    alpha : float, default=0.0001
        Strength of the L2 penalty, divided by the sample size when added to
        the loss. With solver='adamw' it is the decoupled weight decay instead.

    batch_size : int, default='auto'
        Minibatch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of solver='sgd' (as in scikit-learn, the other
        solvers ignore it; see ``lr_schedule``). 'invscaling' uses
        ``learning_rate_init / pow(t, power_t)``, t the samples seen; 'adaptive'
        divides the rate by 5 each time ``n_iter_no_change`` epochs go by without
        improvement, until it drops below 1e-6.

    learning_rate_init : float, default=0.001
        Initial learning rate of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations ('lbfgs').

    shuffle : bool, default=True
        Whether to shuffle samples in each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds every random draw of a fit: initial weights, shuffling, dropout
        masks and the early-stopping split. An int gives identical results.

    tol : float, default=1e-4
        Tolerance of the stopping criterion (see ``n_iter_no_change``).

    verbose : bool, default=False
        Print one line per epoch.

    warm_start : bool, default=False
        Start from the previous fit's weights (``coefs_``, ``intercepts_``)
        instead of new ones, with a new optimizer state, as in scikit-learn;
        the history, ``t_`` and the stopping counters carry over. Every
        setting may change between fits except the layer sizes.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with 'sgd' and momentum > 0.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for single-output
        classification when every class can be in both parts, shuffled
        otherwise), stop when its score stops improving, and keep the best
        weights.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay of the second-moment estimate (Adam, AdamW, RMSProp), in [0, 1).

    epsilon : float, default=1e-8
        Numerical stability term of Adam, AdamW and RMSProp.

    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` before stopping (or,
        with learning_rate='adaptive', before dividing the rate by 5).

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    dropout : float or list of float, default=0.0
        Inverted-dropout rate of the hidden units during training, in [0, 1);
        a list gives one rate per hidden layer. Prediction uses every unit.
        Stochastic solvers only.

    weight_init : {'auto', 'xavier_uniform', 'xavier_normal', 'he_normal', \
'he_uniform'}, default='auto'
        Initial weights. 'auto' is scikit-learn's Glorot-uniform scheme.

    dtype : {'float32', 'float64'}, default='float32'
        Precision of the parameters and of training. Predictions are computed
        in the precision of X given to predict (float32 input stays float32, as
        in scikit-learn) and always returned as float64.

    max_grad_norm : float, default=None
        If set, rescale each minibatch gradient whose global L2 norm exceeds it.
        Stochastic solvers only.

    lr_schedule : {'constant', 'invscaling', 'adaptive'}, default=None
        Learning-rate schedule for any stochastic solver, with the meanings of
        ``learning_rate``. None keeps scikit-learn's behaviour: ``learning_rate``
        for 'sgd', a constant rate for the others.

    scoring : str, callable or None, default=None
        The validation score of early stopping (unused without it): the epoch
        with the best score is kept, and ``n_iter_no_change`` and ``tol`` apply
        to it. None is scikit-learn's: accuracy (classifier) or R² (regressor),
        the first of tied epochs kept. 'loss' is the validation loss, negated
        (higher is better); any other value is a scikit-learn scorer, a name
        such as 'roc_auc' or 'neg_log_loss' or a callable
        ``scorer(estimator, X, y)`` (see :func:`sklearn.metrics.check_scoring`),
        scored from each epoch's validation outputs. With 'loss' or a scorer,
        the last of tied epochs is kept. ``validation_scores_`` and
        ``best_validation_score_`` hold this score. Stochastic solvers only.
"""

_SHARED_ATTRIBUTES = """
    loss_ : float
        The loss of the last epoch (or of the final 'lbfgs' iterate).

    best_loss_ : float or None
        The lowest training loss; None with early stopping.

    loss_curve_ : list of float
        The training loss of every epoch ('lbfgs': every iteration).

    validation_scores_ : list of float or None
        The validation score of every epoch (see ``scoring``), with early
        stopping.

    best_validation_score_ : float or None
        The best validation score (see ``scoring``), with early stopping.

    history_ : list of dict
        One record per epoch: 'epoch', 'loss', 'val_loss' and 'val_score' (None
        without early stopping), 'learning_rate' and 'seconds'.

    t_ : int
        Number of training samples seen by the solver.

    coefs_ : list of ndarray of shape (n_fan_in, n_fan_out)
        Weight matrix of each layer, in ``dtype``. To change weights, assign
        new arrays (``coefs_[i] = W``, as for ``intercepts_``): input in the
        other precision is predicted with copies made at fit, which writing
        into these arrays in place does not update.

    intercepts_ : list of ndarray of shape (n_fan_out,)
        Bias vector of each layer, in ``dtype``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs (or 'lbfgs' iterations) of the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : str
        The output activation.

    hidden_activations_ : list of str
        The activation of each hidden layer, as resolved at fit: prediction
        and export read it, so ``set_params(activation=...)`` after fit
        changes nothing until the next fit.
"""
