"""HTTP under the core: the prepared request on the wire and the transports it is sent through."""
