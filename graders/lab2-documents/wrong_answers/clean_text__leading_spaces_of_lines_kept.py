# wrong because: step 4 removes spaces at the start AND end of each line; this only strips line ends (rstrip), so indented lines keep a leading space.
# counterexample: clean_text("Intro.\n   Second line.") must be "Intro.\nSecond line."; this returns "Intro.\n Second line.".
def clean_text(text):
    """PDF-extracted text with bullets, broken lines and stray whitespace repaired."""
    text = re.sub(r"(?m)^[^\S\n]*[\x7f•▪●\uf0b7][^\S\n]*", "- ", text)
    text = re.sub(r"[^\S\n]+", " ", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"-\n(?=[a-z])", "", text)
    text = re.sub(r"\n+(?=[a-z])", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
