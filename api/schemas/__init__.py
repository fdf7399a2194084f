"""What the API answers, one module per resource (the commands' bodies are the
models of commands/)."""
