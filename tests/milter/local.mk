# tests/milter/local.mk - miltertest protocol tests (placeholder)
