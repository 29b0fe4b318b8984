/* SPDX-License-Identifier: Apache-2.0 */
/* json.h - the JSON parser lives in the public API (baton/json.h). */
#include "baton/json.h"
