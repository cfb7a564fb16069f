"""The kit every shiplab web service behind the hub shares — the shipping tracker, the progress board, the model
gateway: who is asking (:mod:`.login`), what an error looks like (:mod:`.errors`), how a service starts and where it
listens (:mod:`.serve`, :mod:`.listen`), the secrets the hub hands over (:mod:`.secrets`, :mod:`.provider_keys`),
each service's own origin (:mod:`.origins`), the hub's REST API (:mod:`.hubrest`) and one rule for CSV cells
(:mod:`.sheets`). It imports no other room but the bottom ones (errors, settings), so every room may use it."""
