"""Token prices: cited history, genai-prices, and the OpenRouter and LiteLLM live feeds."""
