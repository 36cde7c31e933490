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
        improvement, until it drops below 1e-6. The per-step schedules of
        ``lr_schedule`` are accepted too.

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
        Initial weights. 'auto' is scikit-learn's Glorot-uniform scheme, or
        with ``parametrization='ntk'`` RealMLP's: trained weights from N(0, 1)
        and zero biases. The others draw the effective weights (``coefs_``).

    data_init : bool, default=False
        After the random draw, fit each layer in turn to up to 4096 training
        rows, as RealMLP does (Holzmüller et al., NeurIPS 2024): divide each
        unit's weights by the standard deviation of its pre-activation on them,
        and set its bias to minus a random convex combination of its
        pre-activations at 5 of the rows, so that every unit starts at unit
        variance and bends inside the data. Used at initialization only.

    dtype : {'float32', 'float64'}, default='float32'
        Precision of the parameters and of training. Predictions are computed
        in the precision of X given to predict (float32 input stays float32, as
        in scikit-learn) and always returned as float64.

    max_grad_norm : float, default=None
        If set, rescale each minibatch gradient whose global L2 norm exceeds it.
        Stochastic solvers only.

    lr_schedule : {'constant', 'invscaling', 'adaptive', 'cosine', 'coslog', \
'onecycle'}, default=None
        Learning-rate schedule for any stochastic solver. The first three set the
        rate once per epoch, as for ``learning_rate``. The others set it at every
        step from t, the fraction of the horizon done (``max_iter`` epochs from
        the start of a fit or warm start; for ``partial_fit``, ``max_iter``
        calls, after which the rate stays at its last value): 'cosine' goes
        from ``learning_rate_init`` down to 0 by half a cosine; 'coslog' is
        RealMLP's 'coslog4' (Holzmüller et al., NeurIPS 2024), four cosine
        cycles on a log time scale, each rising from 0 to
        ``learning_rate_init`` and back; 'onecycle' is the 1cycle policy (Smith
        & Topin, 2019): up from 1/25 of ``learning_rate_init`` during the first
        30%, then down to 1/25e4 of it, by cosines. They stop on a plateau as
        'constant' does (set ``n_iter_no_change=np.inf`` to run the whole
        horizon). None keeps scikit-learn's behaviour: ``learning_rate`` for
        'sgd', a constant rate for the others.

    lr_warmup : float, default=0.0
        Fraction of the horizon, in [0, 1), over which the rate ramps up
        linearly from 0: the schedule's rate is multiplied by
        ``min(1, t / lr_warmup)`` at every step (Goyal et al., 2017). With
        'constant' and the per-step schedules only: 'invscaling' and 'adaptive'
        refuse it.

    dropout_schedule : {'flat_cos'}, default=None
        Per-step factor of the ``dropout`` rates, over the horizon of
        ``lr_schedule``: 'flat_cos' (RealMLP's) keeps them for the first half,
        then lowers them to 0 by half a cosine. None keeps them constant.
        Stochastic solvers only.

    weight_decay_schedule : {'flat_cos'}, default=None
        Per-step factor of ``alpha`` (the L2 penalty, or AdamW's decay), as
        ``dropout_schedule`` is of the dropout rates. Stochastic solvers only.
    lr_factors : dict, default=None
        Learning-rate factors per group of parameters, ``{group: factor}``:
        each step of a group's parameters is multiplied by its factor (0
        freezes the group). The groups are 'weights' and 'biases', and
        'activations' with ``parametric_activation=True``, 'scale' with
        ``feature_scaling=True`` and 'embedding' with a ``numeric_embedding``;
        naming a group whose parameter is off is an error. RealMLP
        (Holzmüller et al., "Better by Default: Strong Pre-Tuned MLPs and
        Boosted Trees on Tabular Data", NeurIPS 2024) trains its biases with
        a factor of 0.1. Stochastic solvers only.

    parametrization : {'standard', 'ntk'}, default='standard'
        'ntk' is the neural tangent kernel parametrization (Jacot et al.,
        NeurIPS 2018), as in RealMLP: a layer computes
        ``Z = A W / sqrt(fan_in) + b`` with trained weights ``W`` of order 1,
        so a step size means the same for every layer width. ``coefs_`` holds
        the effective weights ``W / sqrt(fan_in)``, which predict and export
        use as for 'standard'. ``alpha`` penalises (or, with 'adamw', decays)
        the trained weights ``W``, as RealMLP's weight decay does: on
        ``coefs_`` that is ``fan_in`` times stronger. ``partial_fit`` cannot
        change it; a warm start can (it starts from the same ``coefs_``).

    parametric_activation : bool, default=False
        Give each hidden unit ``j`` a trained weight ``a_j``, starting at 1,
        and compute ``z + a_j (f(z) - z)`` for the layer's activation ``f``:
        each unit learns how far from linear to be (RealMLP's parametric
        activations). The weights are ``activation_params_``, neither
        penalised by ``alpha`` nor decayed; their group in ``lr_factors`` is
        'activations'. It cannot change on a warm start or ``partial_fit``.
    feature_scaling : bool, default=False
        Learn a factor per input of the first dense layer, initialized to 1:
        ``Z_0 = (A * s) W_0 + b_0`` (RealMLP's front scale, Holzmüller et al.,
        NeurIPS 2024), so that training can weigh the features. It folds into
        the first layer: ``coefs_[0]`` is published as ``s[:, None] * W_0``.
        ``alpha`` does not decay ``s`` (RealMLP decays it, towards 0, with its
        own factors).

    numeric_embedding : {'periodic'}, default=None
        Embed each column of ``embedded_features`` (dense X only) before the
        dense layers. 'periodic' is RealMLP's PBLD embedding: the value ``x_j``
        itself, next to ``V_j^T cos(2 pi w_j x_j + b_j) + c_j``, with 16
        learned frequencies ``w_j`` (drawn from
        ``N(0, embedding_frequency_scale^2)``) and phases ``b_j``, and a learned
        linear map to ``embedding_size - 1`` outputs per column (Gorishniy et
        al., "On Embeddings for Numerical Features in Tabular Deep Learning",
        NeurIPS 2022; Holzmüller et al., NeurIPS 2024). ``alpha`` does not
        decay its parameters.

    embedded_features : 'auto' or array-like of int or bool, default='auto'
        The columns that ``numeric_embedding`` embeds: 'auto' takes those with
        more than two distinct values in the first fit's training data (one-hot
        and binary columns pass through as they are); otherwise column indices
        or a boolean mask. Decided at the first fit (``embedded_features_``).

    embedding_size : int, default=4
        Inputs of the first dense layer per embedded column, the value itself
        included (RealMLP's 4), at least 2.

    embedding_frequency_scale : float, default=0.1
        Standard deviation of the initial frequencies (RealMLP's 0.1, for
        inputs robust-scaled to about [-3, 3]). Raise it for targets that vary
        quickly with a feature. Used at initialization only.
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
        Weight matrix of each layer, in ``dtype``. With ``numeric_embedding``,
        the rows of ``coefs_[0]`` are X's columns, then ``embedding_size - 1``
        embedding outputs per embedded column; with ``feature_scaling``, the
        learned scale is folded into them. To change weights, assign
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

    embedded_features_ : ndarray of shape (n_embedded,)
        The columns of X that the embedding embeds (with ``numeric_embedding``
        only).

    embedding_ : dict of ndarray
        The embedding's parameters (with ``numeric_embedding`` only):
        'frequencies' and 'phases' of shape (n_embedded, 16), 'coefs' of shape
        (n_embedded, 16, embedding_size - 1), 'intercepts' of shape
        (n_embedded, embedding_size - 1).

    hidden_activations_ : list of str
        The activation of each hidden layer, as resolved at fit: prediction
        and export read it, so ``set_params(activation=...)`` after fit
        changes nothing until the next fit.

    activation_params_ : list of ndarray of shape (n_units,) or None
        With ``parametric_activation=True``, the trained ``a_j`` of each hidden
        layer's units, which prediction and export use; None otherwise.
"""
