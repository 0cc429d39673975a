/*
 * test_faults_regress_keys — replay the keys fuzz target's seed corpus
 * (tests/fuzz/corpus/keys) and every input that ever failed it
 * (tests/fuzz/regress/keys) through the target itself, in a plain (and in
 * check-san an ASan/UBSan) build: a finding stays fixed.
 */
#define REPLAY_TARGET "keys"
#include "../fuzz/fuzz_keys.c"
#include "../fuzz/replay_tests.h"
