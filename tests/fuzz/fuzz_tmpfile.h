/*
 * fuzz_tmpfile.h - write a fuzz input to a private temporary file, for the
 * loaders that only read paths (accounts file, policy.conf).
 */
#ifndef TESTS_FUZZ_TMPFILE_H
#define TESTS_FUZZ_TMPFILE_H

#include <stddef.h>
#include <stdint.h>

/* Replace the file's contents with data; returns its path or NULL. The
 * file is removed at exit. */
const char *fuzz_tmpfile(const char *tag, const uint8_t *data, size_t size);

#endif
