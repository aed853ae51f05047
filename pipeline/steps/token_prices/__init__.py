"""Token price write steps: cited history, genai-prices, live feeds and dated price snapshots."""
