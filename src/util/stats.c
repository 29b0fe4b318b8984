/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stats.c - intervals for an initiative's verdict (stats.h).
 *
 * Student's t is reached through the regularised incomplete beta function:
 * for t >= 0, P(T <= t) = 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2.  I_x(a, b) is
 * evaluated by its continued fraction (modified Lentz), on the side where it
 * converges fast (x < (a+1)/(a+b+2), else through I_x(a,b) = 1 -
 * I_{1-x}(b,a)); its prefactor x^a (1-x)^b / (a B(a,b)) uses a Lanczos
 * ln Γ.  The quantile is found by bisection on the CDF, which is monotone:
 * slow beside Newton, but it cannot fail, and it is asked a few times per
 * answer.  tests/unit/test_stats.c checks it against tabulated values.
 */
#include "util/stats.h"

#include <float.h>
#include <math.h>

double bt__lgamma(double x)
{
	/* Lanczos, g = 7, nine coefficients: about 15 significant digits */
	static const double c[9] = {0.99999999999980993,  676.5203681218851,
				    -1259.1392167224028,  771.32342877765313,
				    -176.61502916214059,  12.507343278686905,
				    -0.13857109526572012, 9.9843695780195716e-6,
				    1.5056327351493116e-7};
	if (x < 0.5) /* reflection: Γ(x) Γ(1-x) = π / sin(πx) */
		return log(M_PI / fabs(sin(M_PI * x))) - bt__lgamma(1.0 - x);
	x -= 1.0;
	double a = c[0], t = x + 7.5;
	for (int i = 1; i < 9; i++)
		a += c[i] / (x + i);
	return 0.5 * log(2 * M_PI) + (x + 0.5) * log(t) - t + log(a);
}

/* The continued fraction of I_x(a, b) without its prefactor. */
static double betacf(double x, double a, double b)
{
	const double tiny = 1e-300;
	double qab = a + b, qap = a + 1.0, qam = a - 1.0;
	double c = 1.0, d = 1.0 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m <= 10000; m++) {
		int m2 = 2 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-15)
			break;
	}
	return h;
}

double bt__ibeta(double x, double a, double b)
{
	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	double lbt = bt__lgamma(a + b) - bt__lgamma(a) - bt__lgamma(b) + a * log(x) + b * log1p(-x);
	double bt = exp(lbt);
	if (x < (a + 1.0) / (a + b + 2.0))
		return bt * betacf(x, a, b) / a;
	return 1.0 - bt * betacf(1.0 - x, b, a) / b;
}

double bt__t_cdf(double t, double df)
{
	if (isinf(df)) /* the normal */
		return 0.5 * erfc(-t / M_SQRT2);
	double tail = 0.5 * bt__ibeta(df / (df + t * t), df / 2.0, 0.5); /* P(T > |t|) */
	return t >= 0 ? 1.0 - tail : tail;
}

double bt__t_quantile(double p, double df)
{
	if (!(p > 0.0 && p < 1.0) || !(df > 0.0))
		return NAN;
	if (p == 0.5)
		return 0.0;
	if (p < 0.5)
		return -bt__t_quantile(1.0 - p, df);
	double lo = 0.0, hi = 1.0;
	while (bt__t_cdf(hi, df) < p && hi < 1e300)
		lo = hi, hi *= 2.0;
	for (int i = 0; i < 2000 && hi - lo > 1e-13 * hi; i++) {
		double mid = 0.5 * (lo + hi);
		if (bt__t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

void bt__wilson(uint64_t x, uint64_t n, double z, double *lo, double *hi)
{
	double nn = (double)n, p = (double)x / nn, z2 = z * z;
	double denom = 1.0 + z2 / nn;
	double centre = (p + z2 / (2.0 * nn)) / denom;
	double half = z / denom * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
	*lo = centre - half;
	*hi = centre + half;
	if (x == 0) /* exactly, not a rounding error below 0 */
		*lo = 0.0;
	if (x == n)
		*hi = 1.0;
}

void bt__newcombe(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2, double z, double *lo,
		  double *hi)
{
	double p1 = (double)x1 / (double)n1, p2 = (double)x2 / (double)n2, l1, u1, l2, u2;
	bt__wilson(x1, n1, z, &l1, &u1);
	bt__wilson(x2, n2, z, &l2, &u2);
	double d = p1 - p2;
	*lo = d - sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
	*hi = d + sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
}

void bt__welch(double m1, double v1, uint64_t n1, double m2, double v2, uint64_t n2, double p,
	       double *lo, double *hi, double *df)
{
	double a = v1 / (double)n1, b = v2 / (double)n2, se2 = a + b, d = m1 - m2;
	if (!(se2 > 0.0)) {
		*df = INFINITY;
		*lo = *hi = d;
		return;
	}
	*df = se2 * se2 / (a * a / (double)(n1 - 1) + b * b / (double)(n2 - 1));
	double t = bt__t_quantile(p, *df), half = t * sqrt(se2);
	*lo = d - half;
	*hi = d + half;
}
