// Header-only: LLVMFuzzerRunDriver comes from libFuzzer at link time.
