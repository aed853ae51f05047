"""One module per `infernomics` subcommand, each exposing `register(subparsers)`."""
