// Compiled as part of one layer of core/ with one header of another: see CMakeLists.txt.
#include PROBE_HEADER

int layer_probe() { return 0; }
