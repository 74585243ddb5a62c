# Writes every ```cpp block of a Markdown file to DIR/PAGE_N.cpp, with a #line directive so
# that compiler errors point into the Markdown file, and prints the names it wrote.
# Usage: awk -v dir=DIR -v page=PAGE -f extract_cpp_blocks.awk FILE.md
/^```cpp[ \t]*$/ && !inside {
  inside = 1
  n++
  out = dir "/" page "_" n ".cpp"
  printf "#line %d \"%s\"\n", NR + 1, FILENAME > out
  next
}
/^```[ \t]*$/ && inside {
  inside = 0
  close(out)
  print out
  next
}
inside { print > out }
