"""The compliance engine: loads bid_rules/ and evaluates facts against it."""
