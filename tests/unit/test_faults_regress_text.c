/*
 * test_faults_regress_text — replay the text fuzz target's seed corpus
 * (tests/fuzz/corpus/text) and every input that ever failed it
 * (tests/fuzz/regress/text) through the target itself, in a plain (and in
 * check-san an ASan/UBSan) build: a finding stays fixed.
 */
#define REPLAY_TARGET "text"
#include "../fuzz/fuzz_text.c"
#include "../fuzz/replay_tests.h"
