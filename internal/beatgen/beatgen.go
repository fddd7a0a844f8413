// Package beatgen writes click tracks whose beats are known exactly, as
// test material for beat tracking. It shares no code with the tracker: the
// beat times it reports are the sample positions it placed each click at.
package beatgen

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
)

// Rate is the sample rate of the generated tracks (CD rate, so a tracker
// that works at another rate has to resample).
const Rate = 44100

// Track describes one click track.
type Track struct {
	Name string
	// BPM is the tempo; ChangeBPM, when not 0, takes over from the first
	// beat at or after ChangeAt seconds, as a band changes tempo on a beat.
	BPM, ChangeBPM, ChangeAt float64
	// Swing places an off-beat hat at this fraction of the beat (0.5 is
	// straight eighths, 2/3 a triplet swing); 0 means no off-beat.
	Swing float64
	// Noise is the RMS of white noise under everything.
	Noise float64
	// Bass adds a syncopated sine bass line whose notes start on and
	// between beats.
	Bass bool
	// Jitter moves each click by up to this many seconds, either way, as a
	// drummer would; the reported beat is where the click really is.
	Jitter float64
	// Lead is the silence before the first beat, and Seconds the length.
	Lead, Seconds float64
	Seed          uint64
}

// Generated is a rendered track.
type Generated struct {
	Track   Track
	Samples []float32
	// Beats are the exact onset times of the beat clicks, in seconds.
	Beats []float64
	// ChangeAt is the first beat of the new tempo (the first beat at or
	// after Track.ChangeAt), or 0 without a change.
	ChangeAt float64
}

// Suite is a dozen tracks between 70 and 160 BPM, shifted a little by seed:
// clean and noisy, straight and swung, with a bass line, with a human
// drummer's jitter, and one that changes tempo.
func Suite(seed uint64) []Track {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	shift := func(bpm float64) float64 { return min(160, max(70, bpm+(r.Float64()*8-4))) }
	lead := func() float64 { return 0.05 + 0.4*r.Float64() }
	s := func(k uint64) uint64 { return seed*1000 + k }
	return []Track{
		{Name: "plain", BPM: shift(72), Lead: lead(), Seconds: 20, Seed: s(1)},
		{Name: "noisy", BPM: shift(84), Noise: 0.04, Lead: lead(), Seconds: 20, Seed: s(2)},
		{Name: "bass", BPM: shift(96), Bass: true, Lead: lead(), Seconds: 20, Seed: s(3)},
		{Name: "swing", BPM: shift(108), Swing: 2.0 / 3, Lead: lead(), Seconds: 20, Seed: s(4)},
		{Name: "eighths-noisy", BPM: shift(120), Swing: 0.5, Noise: 0.03, Lead: lead(), Seconds: 20, Seed: s(5)},
		{Name: "swing-bass-noisy", BPM: shift(132), Swing: 0.62, Bass: true, Noise: 0.03, Lead: lead(), Seconds: 20, Seed: s(6)},
		{Name: "bass-noisy-jitter", BPM: shift(145), Bass: true, Noise: 0.03, Jitter: 0.004, Lead: lead(), Seconds: 20, Seed: s(7)},
		{Name: "fast-eighths", BPM: shift(156), Swing: 0.5, Lead: lead(), Seconds: 20, Seed: s(8)},
		{Name: "slow-swing-noisy", BPM: shift(78), Swing: 0.67, Noise: 0.04, Lead: lead(), Seconds: 20, Seed: s(9)},
		{Name: "tempo-change", BPM: shift(92), ChangeBPM: shift(118), ChangeAt: 14 + r.Float64(), Bass: true, Noise: 0.02, Lead: lead(), Seconds: 30, Seed: s(10)},
		{Name: "swing-fast-noisy", BPM: shift(150), Swing: 0.64, Noise: 0.04, Lead: lead(), Seconds: 20, Seed: s(11)},
		{Name: "jitter-hats-bass", BPM: shift(102), Swing: 0.5, Bass: true, Jitter: 0.005, Lead: lead(), Seconds: 20, Seed: s(12)},
	}
}

// BeatsPerMinute returns the true tempo at time t.
func (t Track) BeatsPerMinute(at float64) float64 {
	if t.ChangeBPM != 0 && at >= t.ChangeAt {
		return t.ChangeBPM
	}
	return t.BPM
}

// Generate renders the track.
func Generate(t Track) Generated {
	r := rand.New(rand.NewPCG(t.Seed, 0xc11c))
	n := int(t.Seconds * Rate)
	buf := make([]float64, n)
	g := Generated{Track: t}
	// The grid: beat k at time pos, stepping by the period in force.
	pos := t.Lead
	var grid []float64
	for pos < t.Seconds-0.05 {
		grid = append(grid, pos)
		if t.ChangeBPM != 0 && pos >= t.ChangeAt && g.ChangeAt == 0 {
			g.ChangeAt = pos
		}
		pos += 60 / t.BeatsPerMinute(pos)
	}
	for i, at := range grid {
		if t.Jitter > 0 {
			at += (r.Float64()*2 - 1) * t.Jitter
		}
		start := int(math.Round(at * Rate))
		if start < 0 || start >= n {
			continue
		}
		amp, pitch := 0.55, 1600.0
		if i%4 == 0 {
			amp, pitch = 0.75, 2100 // the bar's first beat is louder and higher
		}
		click(buf, start, amp, pitch, r)
		g.Beats = append(g.Beats, float64(start)/Rate)
		if t.Swing > 0 && i+1 < len(grid) {
			off := at + t.Swing*(grid[i+1]-grid[i])
			hat(buf, int(math.Round(off*Rate)), 0.16, r)
		}
	}
	if t.Bass && len(grid) > 1 {
		bass(buf, grid, r)
	}
	if t.Noise > 0 {
		for i := range buf {
			buf[i] += r.NormFloat64() * t.Noise
		}
	}
	g.Samples = make([]float32, n)
	for i, v := range buf {
		g.Samples[i] = float32(max(-1, min(1, v)))
	}
	return g
}

// click adds a struck tone, like a woodblock metronome: a sine with a fast
// exponential decay over a short burst of noise at the attack.
func click(buf []float64, start int, amp, pitch float64, r *rand.Rand) {
	for i := 0; i < Rate/20 && start+i < len(buf); i++ {
		t := float64(i) / Rate
		tone := math.Exp(-t/0.010) * math.Sin(2*math.Pi*pitch*t)
		attack := math.Exp(-t/0.002) * (r.Float64()*2 - 1)
		buf[start+i] += amp * (0.7*tone + 0.6*attack)
	}
}

// hat adds a short noise burst.
func hat(buf []float64, start int, amp float64, r *rand.Rand) {
	for i := 0; i < Rate/40 && start+i < len(buf); i++ {
		if start+i < 0 {
			continue
		}
		t := float64(i) / Rate
		buf[start+i] += amp * math.Exp(-t/0.004) * (r.Float64()*2 - 1)
	}
}

// bass adds sine notes an octave around A1, each lasting a beat and a half,
// so that every other note starts between two beats.
func bass(buf []float64, grid []float64, r *rand.Rand) {
	notes := []float64{55, 61.7, 65.4, 73.4, 82.4, 98, 110}
	for i := 0; ; i++ {
		k := int(float64(i) * 1.5)
		if k+1 >= len(grid) {
			return
		}
		beat := grid[k+1] - grid[k]
		at := grid[k] + (float64(i)*1.5-float64(k))*beat
		f := notes[r.IntN(len(notes))]
		start, length := int(at*Rate), int(1.5*beat*Rate)
		for j := 0; j < length && start+j < len(buf); j++ {
			t := float64(j) / Rate
			env := min(1, t/0.02) * math.Exp(-t/0.6)
			buf[start+j] += 0.35 * env * math.Sin(2*math.Pi*f*t)
		}
	}
}

// WAV encodes samples as a 16-bit mono PCM WAV at Rate, clipping anything
// beyond full scale.
func WAV(samples []float32) []byte {
	data := make([]byte, 44+2*len(samples))
	put32 := func(at int, v uint32) { binary.LittleEndian.PutUint32(data[at:], v) }
	put16 := func(at int, v uint16) { binary.LittleEndian.PutUint16(data[at:], v) }
	copy(data[0:], "RIFF")
	put32(4, uint32(36+2*len(samples)))
	copy(data[8:], "WAVEfmt ")
	put32(16, 16)
	put16(20, 1) // PCM
	put16(22, 1) // mono
	put32(24, Rate)
	put32(28, Rate*2)
	put16(32, 2)
	put16(34, 16)
	copy(data[36:], "data")
	put32(40, uint32(2*len(samples)))
	for i, v := range samples {
		put16(44+2*i, uint16(int16(math.Round(max(-1, min(1, float64(v)))*32767))))
	}
	return data
}

// WriteWAV stores samples as WAV does at path.
func WriteWAV(path string, samples []float32) error {
	if err := os.WriteFile(path, WAV(samples), 0o644); err != nil {
		return fmt.Errorf("beatgen: %w", err)
	}
	return nil
}
