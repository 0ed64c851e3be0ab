//! Cheatsheet (placeholder).
