# wrong because: step 2 joins a hyphenated line end only when a lowercase letter follows the break; this drops every "-\n", so "Nord-\nOst" (a real compound before a capital) is glued together.
# counterexample: clean_text("Nord-\nOst route") must be "Nord-\nOst route"; this returns "NordOst route".
def clean_text(text):
    """PDF-extracted text with bullets, broken lines and stray whitespace repaired."""
    text = re.sub(r"(?m)^[^\S\n]*[\x7f•▪●\uf0b7][^\S\n]*", "- ", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r"(?m)^ | $", "", text)
    text = text.replace("-\n", "")
    text = re.sub(r"\n+(?=[a-z])", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
