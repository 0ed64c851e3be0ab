//! Smoke test script (placeholder).
