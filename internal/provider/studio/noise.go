package studio

// valueNoise is smooth lattice noise in [−1, 1]: random values on a lattice
// of the given cell size (in pixels), blended with a smoothstep. Summed over
// octaves it gives the mottling of painted muslin or the stains of concrete.
type valueNoise struct {
	cell float32
	seed uint32
}

func (n valueNoise) at(x, y float32) float32 {
	x, y = x/n.cell, y/n.cell
	fx0, fy0 := floor32(x), floor32(y)
	ix, iy := int(fx0), int(fy0)
	tx, ty := x-fx0, y-fy0
	tx, ty = tx*tx*(3-2*tx), ty*ty*(3-2*ty)
	v := func(dx, dy int) float32 {
		return float32(hash2(ix+dx, iy+dy, n.seed)&0xffff)/32767.5 - 1
	}
	top := lerp(v(0, 0), v(1, 0), tx)
	bot := lerp(v(0, 1), v(1, 1), tx)
	return lerp(top, bot, ty)
}

// fbm sums octaves of value noise, each half the size and half the weight
// of the one before; the result stays roughly within [−1, 1].
func fbm(x, y, cell float32, octaves int, seed uint32) float32 {
	var sum, weight, norm float32 = 0, 1, 0
	for o := range octaves {
		sum += weight * valueNoise{cell: cell, seed: seed + uint32(o)*101}.at(x, y)
		norm += weight
		weight *= 0.5
		cell *= 0.5
	}
	return sum / norm
}
