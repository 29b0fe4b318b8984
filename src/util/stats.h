/* SPDX-License-Identifier: Apache-2.0 */
/*
 * stats.h - the intervals of an initiative's verdict (docs/initiatives.md):
 * Wilson's score interval for a proportion, Newcombe's hybrid score
 * interval for a difference of two proportions, Welch's interval for a
 * difference of two means, and the quantile of Student's t it needs (with
 * a fractional number of degrees of freedom).
 */
#ifndef BT_UTIL_STATS_H
#define BT_UTIL_STATS_H

#include <stdint.h>

/* The 0.975 quantile of the standard normal: a 95% interval's z. */
#define BT_Z975 1.959963984540054

/* ln Γ(x) for x > 0 (Lanczos), thread-safe unlike lgamma (signgam). */
double bt__lgamma(double x);
/* The regularised incomplete beta function I_x(a, b), a, b > 0, x in [0, 1]. */
double bt__ibeta(double x, double a, double b);
/* P(T <= t) for Student's t with df > 0 degrees of freedom. */
double bt__t_cdf(double t, double df);
/* The p quantile of Student's t with df > 0 degrees of freedom (0 < p < 1):
 * the t with P(T <= t) = p, to about 1e-12. */
double bt__t_quantile(double p, double df);

/* Wilson's score interval for x successes out of n (n > 0), z as given. */
void bt__wilson(uint64_t x, uint64_t n, double z, double *lo, double *hi);
/* Newcombe's hybrid score interval (his method 10) for p1 - p2, where
 * p1 = x1/n1 and p2 = x2/n2 (n1, n2 > 0), from the two Wilson intervals. */
void bt__newcombe(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2, double z, double *lo,
		  double *hi);
/* Welch's interval at level 1 - 2(1 - p) (p = 0.975: 95%) for m1 - m2,
 * from the means, the sample variances (n - 1 in the denominator) and the
 * sizes (each at least 2); *df gets the Welch-Satterthwaite degrees of
 * freedom (infinite when both variances are 0: the interval is then the
 * difference itself). */
void bt__welch(double m1, double v1, uint64_t n1, double m2, double v2, uint64_t n2, double p,
	       double *lo, double *hi, double *df);

#endif
