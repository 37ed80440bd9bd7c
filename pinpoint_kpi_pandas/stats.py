"""Uncertainty for rates: Wilson intervals, the two-proportion z-test, Holm's adjustment.

Plain NumPy and the standard library (:func:`math.erfc` for normal tail probabilities,
:class:`statistics.NormalDist` for quantiles), so SciPy stays a test-only dependency. The
formulas are those of ``statsmodels.stats.proportion.proportion_confint(method="wilson")``,
``proportions_ztest`` (pooled variance, two-sided) and ``multipletests(method="holm")``; the
tests compare against them.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from .errors import InvalidArgumentError

__all__ = ["holm_adjust", "normal_two_sided_p", "two_proportion_ztest", "wilson_interval"]


def _z(alpha: float) -> float:
    if not 0.0 < alpha < 1.0:
        raise InvalidArgumentError(f"alpha must be between 0 and 1 (exclusive), not {alpha!r}.")
    return NormalDist().inv_cdf(1.0 - alpha / 2.0)


def normal_two_sided_p(z):
    """Two-sided tail probability of a standard normal statistic: ``P(|Z| >= |z|)``.

    Computed as ``erfc(|z| / sqrt(2))``, accurate far into the tails (no ``1 - cdf``
    cancellation). NaN stays NaN.

    Parameters
    ----------
    z : float or array_like
        The statistic(s).

    Returns
    -------
    float or numpy.ndarray
        Same shape as ``z``.

    Examples
    --------
    >>> round(normal_two_sided_p(1.959963984540054), 6)
    0.05
    """
    array = np.asarray(z, dtype=float)
    out = np.full(array.shape, np.nan)
    finite = ~np.isnan(array)
    out[finite] = [math.erfc(abs(v) / math.sqrt(2.0)) for v in array[finite].ravel()]
    return float(out) if out.ndim == 0 else out


def wilson_interval(successes, trials, *, alpha: float = 0.05):
    """Wilson score interval for a binomial proportion.

    Better behaved than the normal ("Wald") interval for small counts and for rates near 0 or
    1: it never leaves [0, 1] and is never zero-width.

    Parameters
    ----------
    successes : int or array_like
        Events counted (e.g. email opens).
    trials : int or array_like
        Opportunities (e.g. emails delivered), broadcast against ``successes``. Where it is 0
        the interval is NaN.
    alpha : float, default 0.05
        One minus the confidence level (0.05 gives a 95% interval).

    Returns
    -------
    (low, high) : tuple of float or numpy.ndarray

    Raises
    ------
    InvalidArgumentError
        (a ``ValueError``) Negative counts, more successes than trials, or ``alpha`` outside
        (0, 1).

    Examples
    --------
    >>> low, high = wilson_interval(12, 100)
    >>> round(low, 4), round(high, 4)
    (0.07, 0.1981)
    >>> low, high = wilson_interval([0, 5], [10, 10])
    >>> low.round(4).tolist(), high.round(4).tolist()
    ([0.0, 0.2366], [0.2775, 0.7634])
    """
    z = _z(alpha)
    x, n = np.broadcast_arrays(np.asarray(successes, dtype=float), np.asarray(trials, dtype=float))
    _check_counts(x, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        z2n = z * z / n
        center = (p + z2n / 2.0) / (1.0 + z2n)
        half = z / (1.0 + z2n) * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    low = np.where(n > 0, np.clip(center - half, 0.0, 1.0), np.nan)
    high = np.where(n > 0, np.clip(center + half, 0.0, 1.0), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def two_proportion_ztest(successes_a, trials_a, successes_b, trials_b):
    """Two-sided z-test that two proportions are equal, with the pooled variance.

    Tests ``successes_a / trials_a`` against ``successes_b / trials_b``; all arguments
    broadcast. The normal approximation needs a few events and non-events on each side
    (:meth:`DataFrame.pinpoint.compare` reports where that fails instead of trusting the
    p-value).

    Parameters
    ----------
    successes_a, trials_a : int or array_like
        Events and opportunities of the first group (e.g. a campaign).
    successes_b, trials_b : int or array_like
        The same for the second group (e.g. the baseline).

    Returns
    -------
    (z, p_value) : tuple of float or numpy.ndarray
        ``z`` is positive when the first proportion is the larger. NaN where a group has no
        trials or both proportions are 0 (or both 1): there is nothing to test.

    Examples
    --------
    >>> z, p = two_proportion_ztest(120, 1000, 90, 1000)
    >>> round(z, 4), round(p, 4)
    (2.1883, 0.0287)
    """
    xa, na, xb, nb = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (successes_a, trials_a, successes_b, trials_b))
    )
    _check_counts(xa, na)
    _check_counts(xb, nb)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (xa + xb) / (na + nb)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb))
        z = (xa / na - xb / nb) / se
    z = np.where((na > 0) & (nb > 0) & (se > 0), z, np.nan)
    p = normal_two_sided_p(z)
    if z.ndim == 0:
        return float(z), float(p)
    return z, p


def holm_adjust(p_values):
    """Holm's step-down adjustment of p-values for several comparisons.

    Comparing a dozen campaigns with a baseline at 5% each finds a "winner" by chance about
    half the time; Holm's adjusted p-values keep the chance of any false positive at 5%. NaN
    entries are ignored (and stay NaN).

    Parameters
    ----------
    p_values : array_like
        Raw p-values.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same order as given.

    Examples
    --------
    >>> holm_adjust([0.01, 0.04, 0.03, float("nan")]).round(2).tolist()
    [0.03, 0.06, 0.06, nan]
    """
    p = np.asarray(p_values, dtype=float).ravel()
    out = np.full(p.shape, np.nan)
    valid = np.flatnonzero(~np.isnan(p))
    m = len(valid)
    if m == 0:
        return out
    order = valid[np.argsort(p[valid], kind="stable")]
    scaled = (m - np.arange(m)) * p[order]
    out[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return out


def _check_counts(successes: np.ndarray, trials: np.ndarray) -> None:
    known = ~(np.isnan(successes) | np.isnan(trials))
    if (successes[known] < 0).any() or (trials[known] < 0).any():
        raise InvalidArgumentError("counts must not be negative.")
    if (successes[known] > trials[known]).any():
        raise InvalidArgumentError(
            "successes must not exceed trials (is the numerator the right count?)."
        )
