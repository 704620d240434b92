//! The audit trail (placeholder until the audit query lands).
