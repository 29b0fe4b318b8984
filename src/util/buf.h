/* SPDX-License-Identifier: Apache-2.0 */
/* buf.h - the growable buffer lives in the public API (baton/buf.h). */
#include "baton/buf.h"
