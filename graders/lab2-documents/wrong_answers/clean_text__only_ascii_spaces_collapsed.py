# wrong because: step 4 says runs of blanks -- spaces, tabs, no-break spaces ([^\S\n]) -- collapse into one space; this only collapses ASCII spaces, so tabs and no-break spaces survive.
# counterexample: clean_text("Claim\u00a0\u00a0no.\t\t5") must be "Claim no. 5"; this returns "Claim\u00a0\u00a0no.\t\t5".
def clean_text(text):
    """PDF-extracted text with bullets, broken lines and stray whitespace repaired."""
    text = re.sub(r"(?m)^ *[\x7f•▪●\uf0b7]", "- ", text)
    text = re.sub(r" +", " ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    text = re.sub(r"-\n(?=[a-z])", "", text)
    text = re.sub(r"\n+(?=[a-z])", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()
