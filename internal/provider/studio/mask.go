package studio

// median returns the value at which a histogram of n samples reaches half.
func median(hist []int, n int) int {
	seen := 0
	for v, c := range hist {
		seen += c
		if 2*seen >= n {
			return v
		}
	}
	return len(hist) - 1
}
