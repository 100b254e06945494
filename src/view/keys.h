/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keys.h - what a key does in swapview.
 */
#ifndef SWAPVIEW_KEYS_H
#define SWAPVIEW_KEYS_H

#include "session.h"

/*
 * keys_handle - one key: the prompt's while it is open, else the keys
 * that work in every view, else the view on top's. The message of the key
 * before is cleared.
 */
void keys_handle(struct session *sv, int ch);

#endif /* SWAPVIEW_KEYS_H */
