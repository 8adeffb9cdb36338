// Test binaries get their main from GoogleTest, but libsystemc still needs an sc_main to
// link against; it is never called.
extern "C" int sc_main(int, char*[]) { return 0; }
