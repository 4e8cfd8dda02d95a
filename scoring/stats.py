"""Small statistics the engine needs, in NumPy and the standard library only.

Kept here so the engine needs no SciPy; the tests check these against SciPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, df: float) -> float:
    """Two-sided p-value of Student's t with df degrees of freedom."""
    if math.isinf(t):
        return 0.0
    return betainc(df / 2.0, 0.5, df / (df + t * t))


def _per(total: np.ndarray, n: np.ndarray, empty: float) -> np.ndarray:
    """total / n element by element, `empty` where n is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.where(n > 0, n, 1), empty)


@dataclass(frozen=True, eq=False)
class Moments:
    """Count, sum and sum of squared deviations from the mean, element by element: what a
    mean and a sample SD are made of, joined exactly across disjoint sets of values
    (Chan, Golub and LeVeque's pairwise update, `pooled`)."""

    n: np.ndarray
    total: np.ndarray
    m2: np.ndarray

    @classmethod
    def empty(cls, shape: tuple[int, ...]) -> Moments:
        return cls(np.zeros(shape), np.zeros(shape), np.zeros(shape))

    @classmethod
    def of(cls, values: np.ndarray) -> Moments:
        """Moments of each column of values (NaN = no value)."""
        present = ~np.isnan(values)
        n = present.sum(axis=0).astype(float)
        total = np.where(present, values, 0.0).sum(axis=0)
        m2 = (np.where(present, values - _per(total, n, 0.0), 0.0) ** 2).sum(axis=0)
        return cls(n, total, m2)

    @classmethod
    def by_group(cls, ids: np.ndarray, groups: int, values: np.ndarray) -> Moments:
        """Moments per group (rows) of each column of values (respondents x columns),
        `ids` the group of each respondent."""
        present = ~np.isnan(values)
        columns = values.shape[1]
        flat = (ids[:, None] * columns + np.arange(columns)).ravel()
        size = groups * columns

        def summed(weights: np.ndarray) -> np.ndarray:
            return np.bincount(flat, weights=weights.ravel(), minlength=size).reshape(
                groups, columns)

        n = summed(present.astype(float))
        total = summed(np.where(present, values, 0.0))
        m2 = summed(np.where(present, values - _per(total, n, 0.0)[ids], 0.0) ** 2)
        return cls(n, total, m2)

    @property
    def mean(self) -> np.ndarray:
        return _per(self.total, self.n, np.nan)

    @property
    def sd(self) -> np.ndarray:
        """Sample SD (n - 1); NaN below two values."""
        with np.errstate(invalid="ignore"):
            return np.where(self.n >= 2, np.sqrt(_per(self.m2, self.n - 1, np.nan)), np.nan)

    def __add__(self, other: Moments) -> Moments:
        """The moments of both sets of values, element by element."""
        return Moments(np.stack([self.n, other.n]), np.stack([self.total, other.total]),
                       np.stack([self.m2, other.m2])).pooled(slice(None))

    def pooled(self, rows: np.ndarray | slice) -> Moments:
        """The moments of the union of some rows (groups), per column: each row's spread
        about its own mean, plus its distance from the union's mean."""
        n, total, m2 = self.n[rows], self.total[rows], self.m2[rows]
        count, whole = n.sum(axis=0), total.sum(axis=0)
        distance = _per(total, n, 0.0) - _per(whole, count, 0.0)
        spread = (m2 + np.where(n > 0, n * distance ** 2, 0.0)).sum(axis=0)
        return Moments(count, whole, spread)

    def take(self, rows: np.ndarray) -> Moments:
        return Moments(self.n[rows], self.total[rows], self.m2[rows])


@dataclass(frozen=True)
class WelchResult:
    t: float | None  # None when a side has n < 2, or when both sides have no spread
    df: float | None
    p_value: float | None


def welch_t(a: np.ndarray, b: np.ndarray) -> WelchResult:
    """Welch's unequal-variances t-test of mean(b) - mean(a); None when a side has n < 2."""
    return welch_of(Moments.of(np.asarray(a, dtype=float)[:, None]),
                    Moments.of(np.asarray(b, dtype=float)[:, None]))


def welch_of(a: Moments, b: Moments) -> WelchResult:
    """`welch_t` from the two sides' moments (one value each)."""
    na, nb = float(a.n.sum()), float(b.n.sum())
    if na < 2 or nb < 2:
        return WelchResult(None, None, None)
    va, vb = float(a.m2.sum()) / (na - 1) / na, float(b.m2.sum()) / (nb - 1) / nb
    diff = float(b.total.sum()) / nb - float(a.total.sum()) / na
    se2 = va + vb
    if se2 == 0.0:
        if diff == 0.0:
            return WelchResult(0.0, float(na + nb - 2), 1.0)
        return WelchResult(None, float(na + nb - 2), 0.0)  # t is infinite: no spread at all
    t = diff / math.sqrt(se2)
    df = se2 * se2 / ((va * va) / (na - 1) + (vb * vb) / (nb - 1))
    return WelchResult(float(t), float(df), float(t_two_sided_p(t, df)))


def cronbach_alpha(items: np.ndarray) -> float | None:
    """Internal consistency of a respondents x items matrix without missing values."""
    items = np.asarray(items, dtype=float)
    return alpha_of(Moments.of(items), Moments.of(items.sum(axis=1)[:, None]))


def alpha_of(items: Moments, totals: Moments) -> float | None:
    """`cronbach_alpha` from the moments of each item and of their sum, over the same
    complete answers."""
    k, n = len(items.n), float(totals.n.sum())
    if k < 2 or n < 2:
        return None
    total_var = float(totals.m2.sum()) / (n - 1)
    if total_var == 0.0:
        return None
    return float(k / (k - 1) * (1.0 - float(items.m2.sum()) / (n - 1) / total_var))
