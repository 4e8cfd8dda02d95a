"""Small statistics the engine needs, in NumPy and the standard library only.

Kept here so the engine stays importable with pandas and NumPy alone; the tests check
these against SciPy.
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


@dataclass(frozen=True)
class WelchResult:
    t: float | None  # None when a side has n < 2, or when both sides have no spread
    df: float | None
    p_value: float | None


def welch_t(a: np.ndarray, b: np.ndarray) -> WelchResult:
    """Welch's unequal-variances t-test of mean(b) - mean(a); None when a side has n < 2."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return WelchResult(None, None, None)
    va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
    diff = float(b.mean() - a.mean())
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
    n, k = items.shape
    if k < 2 or n < 2:
        return None
    total_var = items.sum(axis=1).var(ddof=1)
    if total_var == 0.0:
        return None
    return float(k / (k - 1) * (1.0 - items.var(axis=0, ddof=1).sum() / total_var))
