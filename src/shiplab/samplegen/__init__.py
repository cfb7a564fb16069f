"""The sample company: Nordlicht Versicherung AG, a fictional European property & casualty insurer.

Everything in ``datasets/`` is generated here from a fixed seed, so regenerating gives byte-identical files and the
labs can grade against known answers: a backlog as real Jira, GitHub and Azure DevOps exports (with reworded
duplicates), claim e-mails and forms with the fields an extractor should find, and texts with planted personal
data and its exact positions. Regenerate with ``python -m shiplab.samplegen --out datasets``.

No real person is described: names are combined from common first and last names, e-mail domains are reserved
example domains, phone numbers use fictitious ranges, IBANs are well-formed but belong to no bank account.
"""

from shiplab.samplegen.build import SEED, generate

__all__ = ["SEED", "generate"]
