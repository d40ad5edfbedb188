# tests/fuzz/local.mk - placeholder until this part lands
