/*
 * test_faults_regress_screens — replay the screens fuzz target's seed corpus
 * (tests/fuzz/corpus/screens) and every input that ever failed it
 * (tests/fuzz/regress/screens) through the target itself, in a plain (and in
 * check-san an ASan/UBSan) build: a finding stays fixed.
 */
#define REPLAY_TARGET "screens"
#include "../fuzz/fuzz_screens.c"
#include "../fuzz/replay_tests.h"
