/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_stats.c - the intervals behind an initiative's verdict
 * (util/stats.c, docs/initiatives.md): Student's t quantile against the
 * printed tables, Wilson's and Newcombe's intervals against the worked
 * example of Newcombe (1998), Welch's interval worked out by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>

#include <cmocka.h>

#include "util/stats.h"

#define NEAR(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/* ln Γ against factorials and Γ(1/2) = √π. */
static void lgamma_known(void **state)
{
	(void)state;
	NEAR(bt__lgamma(1.0), 0.0, 1e-13);
	NEAR(bt__lgamma(2.0), 0.0, 1e-13);
	NEAR(bt__lgamma(5.0), log(24.0), 1e-12);
	NEAR(bt__lgamma(11.0), log(3628800.0), 1e-11);
	NEAR(bt__lgamma(0.5), 0.5 * log(M_PI), 1e-12);
	NEAR(bt__lgamma(0.25), 1.2880225246980774, 1e-12); /* ln Γ(1/4) = ln 3.6256099082 */
}

/* I_x(a, b) where it has a closed form: I_x(1, b) = 1 - (1-x)^b, I_x(a, 1)
 * = x^a, I_{1/2}(a, a) = 1/2. */
static void ibeta_closed_forms(void **state)
{
	(void)state;
	NEAR(bt__ibeta(0.3, 1.0, 4.0), 1.0 - pow(0.7, 4.0), 1e-13);
	NEAR(bt__ibeta(0.3, 2.5, 1.0), pow(0.3, 2.5), 1e-13);
	NEAR(bt__ibeta(0.5, 7.25, 7.25), 0.5, 1e-13);
	assert_true(bt__ibeta(0.0, 2, 3) == 0.0);
	assert_true(bt__ibeta(1.0, 2, 3) == 1.0);
}

/* The two-sided 95% (p = 0.975) and 90% (p = 0.95) points of the printed
 * t tables, to the 4 decimals they give; df 1 and 2 also exactly. */
static void t_quantile_tables(void **state)
{
	(void)state;
	static const struct {
		double df, t975, t95;
	} tab[] = {{1, 12.7062, 6.3138},  {2, 4.3027, 2.9200},  {3, 3.1824, 2.3534},
		   {4, 2.7764, 2.1318},   {5, 2.5706, 2.0150},  {10, 2.2281, 1.8125},
		   {20, 2.0860, 1.7247},  {30, 2.0423, 1.6973}, {60, 2.0003, 1.6706},
		   {120, 1.9799, 1.6577}};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		NEAR(bt__t_quantile(0.975, tab[i].df), tab[i].t975, 5e-5);
		NEAR(bt__t_quantile(0.95, tab[i].df), tab[i].t95, 5e-5);
		NEAR(bt__t_quantile(0.025, tab[i].df), -tab[i].t975, 5e-5);
	}
	/* exact: df 1 is Cauchy, t = tan(π(p - 1/2)); df 2: t = (2p-1)·√(2/(1-(2p-1)²)) */
	NEAR(bt__t_quantile(0.975, 1), tan(M_PI * 0.475), 1e-9);
	NEAR(bt__t_quantile(0.975, 2), 0.95 * sqrt(2.0 / (1.0 - 0.95 * 0.95)), 1e-9);
	/* infinite df: the normal's 1.959964 */
	NEAR(bt__t_quantile(0.975, INFINITY), BT_Z975, 1e-9);
	NEAR(bt__t_quantile(0.975, 1e7), BT_Z975, 1e-6);
	/* a fractional df lies between its neighbours */
	double t = bt__t_quantile(0.975, 5.5);
	assert_true(t < 2.5706 && t > 2.4469);
	assert_true(bt__t_quantile(0.5, 3) == 0.0);
	assert_true(isnan(bt__t_quantile(1.0, 3)));
	assert_true(isnan(bt__t_quantile(0.975, 0)));
}

/*
 * Newcombe (1998), example (a): 56/70 against 48/80.
 * Wilson for 56/70: p = 0.8, z² = 3.841459, z²/n = 0.054878,
 *   centre = (0.8 + 3.841459/140) / 1.054878 = 0.827439 / 1.054878 = 0.784393,
 *   half = 1.959964/1.054878 · √(0.8·0.2/70 + 3.841459/19600)
 *        = 1.858002 · √(0.00228571 + 0.00019599) = 1.858002 · 0.049817 = 0.092560,
 *   so [0.691834, 0.876953].
 * Wilson for 48/80: p = 0.6, z²/n = 0.048018,
 *   centre = (0.6 + 0.024009) / 1.048018 = 0.595424,
 *   half = 1.870140 · √(0.003 + 0.00030011) = 1.870140 · 0.057447 = 0.104963,
 *   so [0.490461, 0.700387] (0.4905, 0.7004 in the paper).
 * Newcombe: d = 0.8 - 0.6 = 0.2;
 *   low  = 0.2 - √((0.8 - 0.691834)² + (0.700382 - 0.6)²)
 *        = 0.2 - √(0.011700 + 0.010077) = 0.2 - 0.147569 = 0.052431,
 *   high = 0.2 + √((0.876953 - 0.8)² + (0.6 - 0.490455)²)
 *        = 0.2 + √(0.005922 + 0.012000) = 0.2 + 0.133873 = 0.333873;
 *   the paper's 0.0524 to 0.3339.
 */
static void wilson_newcombe_paper(void **state)
{
	(void)state;
	double lo, hi;
	bt__wilson(56, 70, BT_Z975, &lo, &hi);
	NEAR(lo, 0.691834, 2e-6);
	NEAR(hi, 0.876953, 2e-6);
	bt__wilson(48, 80, BT_Z975, &lo, &hi);
	NEAR(lo, 0.490455, 2e-6);
	NEAR(hi, 0.700382, 2e-6);
	bt__newcombe(56, 70, 48, 80, BT_Z975, &lo, &hi);
	NEAR(lo, 0.052431, 2e-6);
	NEAR(hi, 0.333873, 2e-6);
	/* the other way round: the interval of -d is -[hi, lo] */
	bt__newcombe(48, 80, 56, 70, BT_Z975, &lo, &hi);
	NEAR(lo, -0.333873, 2e-6);
	NEAR(hi, -0.052431, 2e-6);
}

/*
 * The edges: 0 of 10 against 0 of 20.  Wilson for 0/n is [0, z²/(n+z²)]:
 * 3.841459/13.841459 = 0.277533 and 3.841459/23.841459 = 0.161125.
 * Newcombe: d = 0; low = 0 - √(0 + 0.161125²) = -0.161125, high = 0 +
 * √(0.277533² + 0) = 0.277533.  And 10 of 10 against 10 of 10: [-0.277533,
 * 0.277533] (Wilson for n/n is [n/(n+z²), 1]: 10/13.841459 = 0.722467).
 */
static void wilson_newcombe_edges(void **state)
{
	(void)state;
	double lo, hi;
	bt__wilson(0, 10, BT_Z975, &lo, &hi);
	assert_true(lo == 0.0);
	NEAR(hi, 0.277533, 1e-6);
	bt__wilson(10, 10, BT_Z975, &lo, &hi);
	NEAR(lo, 0.722467, 1e-6);
	assert_true(hi == 1.0);
	bt__newcombe(0, 10, 0, 20, BT_Z975, &lo, &hi);
	NEAR(lo, -0.161125, 1e-6);
	NEAR(hi, 0.277533, 1e-6);
	bt__newcombe(10, 10, 10, 10, BT_Z975, &lo, &hi);
	NEAR(lo, -0.277533, 1e-6);
	NEAR(hi, 0.277533, 1e-6);
}

/*
 * Welch by hand: after = {1, 2, 3, 4, 5}: mean 3, variance 10/4 = 2.5;
 * before = {2, 4, 6, 8, 10}: mean 6, variance 40/4 = 10.
 *   d = 3 - 6 = -3; s1²/n1 = 0.5, s2²/n2 = 2; se = √2.5 = 1.581139;
 *   df = 2.5² / (0.5²/4 + 2²/4) = 6.25 / 1.0625 = 5.882353;
 *   t_{0.975, 5.882353} = 2.458824 (between the tables' 2.5706 at 5 and
 *   2.4469 at 6);
 *   half = 2.458824 · 1.581139 = 3.887742, so [-6.887742, 0.887742].
 */
static void welch_by_hand(void **state)
{
	(void)state;
	double lo, hi, df;
	bt__welch(3.0, 2.5, 5, 6.0, 10.0, 5, 0.975, &lo, &hi, &df);
	NEAR(df, 6.25 / 1.0625, 1e-9);
	NEAR(bt__t_quantile(0.975, df), 2.458824, 1e-6);
	NEAR(lo, -6.887742, 1e-6);
	NEAR(hi, 0.887742, 1e-6);
	/* equal variances and sizes: df = 2(n - 1): {1,3} and {2,4} (mean 2
	 * and 3, variance 2 each): se = √(1 + 1) = √2, df = 4/(1/1 + 1/1) = 2,
	 * half = 4.302653 · 1.414214 = 6.084870, so [-7.084870, 5.084870] */
	bt__welch(2.0, 2.0, 2, 3.0, 2.0, 2, 0.975, &lo, &hi, &df);
	NEAR(df, 2.0, 1e-12);
	NEAR(lo, -7.084870, 1e-6);
	NEAR(hi, 5.084870, 1e-6);
	/* no spread on either side: the difference itself */
	bt__welch(4.0, 0.0, 3, 1.0, 0.0, 3, 0.975, &lo, &hi, &df);
	assert_true(lo == 3.0 && hi == 3.0 && isinf(df));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lgamma_known),       cmocka_unit_test(ibeta_closed_forms),
		cmocka_unit_test(t_quantile_tables),  cmocka_unit_test(wilson_newcombe_paper),
		cmocka_unit_test(wilson_newcombe_edges), cmocka_unit_test(welch_by_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
