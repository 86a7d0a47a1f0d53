"""Writes tests/golden/gymnasium_bipedal_walker.txt: what Gymnasium's BipedalWalker draws for a seed.

Run with Gymnasium and pybox2d (PyPI `box2d`) installed:
    .venv/bin/python tests/golden/make_gymnasium_walker.py > tests/golden/gymnasium_bipedal_walker.txt
For each (variant, seed): the terrain surface heights (doubles, %r), the obstacle polygons (hardcore),
the cloud polygons, the initial push (the last draw of reset) and the stream's next random() after
reset, which pins the number of draws. tests/test_bipedal_walker.cpp checks the C++ port against it.
"""
import gymnasium as gym
import numpy as np


class Recorder:
    """np.random.Generator proxy that remembers each uniform draw."""

    def __init__(self, gen):
        self.gen, self.uniforms = gen, []

    def uniform(self, *a):
        v = self.gen.uniform(*a)
        self.uniforms.append(float(v))
        return v

    def __getattr__(self, name):
        return getattr(self.gen, name)


def main():
    out = []
    for hardcore, seeds in ((False, (0, 1, 42, 2**40 + 7)), (True, (0, 3, 17))):
        variant = "hardcore" if hardcore else "normal"
        env = gym.make("BipedalWalkerHardcore-v3" if hardcore else "BipedalWalker-v3").unwrapped
        for seed in seeds:
            env.reset(seed=seed)  # seeds np_random; the recorded reset below draws the same stream
            rec = Recorder(np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed))))
            env.np_random = rec
            env.reset()
            head = f"{variant} {seed}"
            out.append(f"{head} terrain_y " + " ".join(repr(float(y)) for y in env.terrain_y))
            for body in env.terrain[::-1]:  # creation order (the env reverses its list)
                shape = body.fixtures[0].shape
                if len(shape.vertices) == 4:
                    out.append(f"{head} obstacle " + " ".join(repr(float(c)) for v in shape.vertices for c in v))
            for poly, _, _ in env.cloud_poly:
                out.append(f"{head} cloud " + " ".join(repr(float(c)) for v in poly for c in v))
            out.append(f"{head} push {rec.uniforms[-1]!r}")
            out.append(f"{head} next_random {rec.gen.random()!r}")
        env.close()
    print("\n".join(out))


if __name__ == "__main__":
    main()
