// The clock and the randomness a Node is opened with (Node::open takes both, so tests and
// benchmarks control time). Defined in store/ because the store stamps its writes with them;
// this header is how the CLI and the GUI name them without including store/.
#pragma once

#include "store/clock.h"  // Clock, Random, SystemClock, SystemRandom, ManualClock, SeededRandom
