# wrong because: step 3 says a line break "(or several)" followed by a lowercase letter becomes one space; this only joins a single "\n", so a sentence broken across a page gap ("\n\n") stays broken.
# counterexample: clean_text("cost of\n\noperation") must be "cost of operation"; this returns "cost of\n operation" (the first break kept, a stray space added).
def clean_text(text):
    """PDF-extracted text with bullets, broken lines and stray whitespace repaired."""
    text = re.sub(r"(?m)^[^\S\n]*[\x7f•▪●\uf0b7][^\S\n]*", "- ", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = re.sub(r"(?m)^ | $", "", text)
    text = re.sub(r"-\n(?=[a-z])", "", text)
    text = re.sub(r"\n(?=[a-z])", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
