"""PyTorch peers of curtain's paradigm packages: the same layer shapes, losses,
optimisers and samplers as packages/{gan,vae,autoregressive,flow,diffusion}/src,
for the `train` and `sample` benchmark suites (peers/train.py, peers/sample.py).
Tensors are NCHW here (NHWC in tfjs): the same FLOPs. Each builder takes the
variant's merged config (the registry entry's defaults + reference size, as
JSON from the suite) and returns an object with
  params()               trainable parameter count (compare with curtain's)
  train_step(x)          one optimiser step on x [B, 1, H, W] in [0, 1]; returns the loss as a float
  sample(n, options)     n images [n, 1, H, W], under no_grad
  evals(options)         network evaluations per sample call
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

LN2 = math.log(2)


def conv(cin, cout, k=3, stride=1, padding=None):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=(k - 1) // 2 if padding is None else padding)


def count(module):
    return sum(p.numel() for p in module.parameters())


def clip_and_step(opt, params, clip_norm):
    if clip_norm > 0:
        torch.nn.utils.clip_grad_norm_(params, clip_norm)
    opt.step()


class Ema:
    """Weight average of a parameter list (the GAN's generator, DDPM's U-Net)."""

    def __init__(self, params, decay):
        self.params = list(params)
        self.shadow = [torch.zeros_like(p) for p in self.params]
        self.decay = decay

    @torch.no_grad()
    def update(self):
        torch._foreach_mul_(self.shadow, self.decay)
        torch._foreach_add_(self.shadow, self.params, alpha=1 - self.decay)


# ---------------------------------------------------------------- GAN (packages/gan)

class Generator(nn.Module):
    def __init__(self, side, width, latent):
        super().__init__()
        self.s4 = side // 4
        self.width = width
        self.project = nn.Linear(latent, self.s4 * self.s4 * 2 * width)
        self.up1 = nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1)
        self.up2 = nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1)

    def forward(self, z):
        h = F.relu(self.project(z)).view(-1, 2 * self.width, self.s4, self.s4)  # [B, 2w, H/4, W/4]
        h = F.relu(self.up1(h))  # [B, w, H/2, W/2]
        return torch.sigmoid(2 * self.up2(h))  # [B, 1, H, W]


class Discriminator(nn.Module):
    def __init__(self, side, width):
        super().__init__()
        s4 = side // 4
        self.down1 = nn.Conv2d(1, width, 4, stride=2, padding=1)
        self.down2 = nn.Conv2d(width, 2 * width, 4, stride=2, padding=1)
        self.logit = nn.Linear(s4 * s4 * 2 * width, 1)

    def forward(self, x):
        h = F.leaky_relu(self.down1(2 * x - 1), 0.2)  # [B, w, H/2, W/2]
        h = F.leaky_relu(self.down2(h), 0.2)  # [B, 2w, H/4, W/4]
        return self.logit(h.flatten(1)).squeeze(1)  # [B]


class Gan:
    """DCGAN, non-saturating loss, R1 on real data (a second D pass, as in curtain), EMA of G."""

    def __init__(self, cfg, side):
        assert cfg["depth"] == 1, "peer implements depth 1 (the reference size)"
        self.latent = cfg["latentDim"]
        self.gamma = cfg["r1Gamma"] if cfg["stabiliser"] == "r1" else 0
        self.G = Generator(side, cfg["width"], self.latent)
        self.D = Discriminator(side, cfg["width"])
        betas = (cfg["beta1"], 0.999)
        self.g_opt = torch.optim.Adam(self.G.parameters(), lr=cfg["learningRate"], betas=betas)
        self.d_opt = torch.optim.Adam(self.D.parameters(), lr=cfg["learningRate"], betas=betas)
        self.ema = Ema(self.G.parameters(), cfg["emaDecay"])

    def params(self):
        return count(self.G) + count(self.D)

    def train_step(self, real):
        b = real.shape[0]
        with torch.no_grad():
            fake = self.G(torch.randn(b, self.latent))
        self.d_opt.zero_grad(set_to_none=True)
        loss = F.softplus(-self.D(real)).mean() + F.softplus(self.D(fake)).mean()
        if self.gamma:
            x = real.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(self.D(x).sum(), x, create_graph=True)
            loss = loss + self.gamma / 2 * grad.pow(2).sum([1, 2, 3]).mean()
        loss.backward()
        self.d_opt.step()
        loss.item()  # read back, as curtain's trainStep does
        self.g_opt.zero_grad(set_to_none=True)
        g_loss = F.softplus(-self.D(self.G(torch.randn(b, self.latent)))).mean()
        g_loss.backward()
        self.g_opt.step()
        self.ema.update()
        return g_loss.item()

    @torch.no_grad()
    def sample(self, n, options):
        return self.G(torch.randn(n, self.latent) * options.get("temperature", 1))

    def evals(self, options):
        return 1


# ---------------------------------------------------------------- VAE family (packages/vae)

def soft_clamp(x, limit=7.0):
    return limit * torch.tanh(x / limit)


def split_gaussian(params):
    mu, raw = params.chunk(2, 1)
    return mu, soft_clamp(raw)


def pool_times(x, times):
    for _ in range(times):
        x = F.avg_pool2d(x, 2)
    return x


def up2(x):
    return F.interpolate(x, scale_factor=2, mode="nearest")


class ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1, self.conv2 = conv(c, c), conv(c, c)

    def forward(self, x):
        return x + self.conv2(F.relu(self.conv1(F.relu(x))))


class GlobalToGrid(nn.Module):
    """The top level's dense layer from the global latent [B, G, 1, 1] to a feature grid [B, c, g, g]."""

    def __init__(self, zg, c, g):
        super().__init__()
        self.c, self.g = c, g
        self.dense = nn.Linear(zg, g * g * c)

    def forward(self, z):
        return self.dense(z.flatten(1)).view(-1, self.g, self.g, self.c).permute(0, 3, 1, 2)


class Level(nn.Module):
    """Level i; the top one (i = 0) codes a global vector of zg latents (curtain's pyramid.ts)."""

    def __init__(self, i, levels, c, depth, zc, zg, g, ch=1):
        super().__init__()
        self.ups = i + 3 - levels
        last = i == levels - 1
        self.stem = conv(ch, c)
        self.downs = nn.ModuleList([conv(c, c, stride=2) for _ in range(self.ups)])
        self.enc_blocks = nn.ModuleList([ResBlock(c) for _ in range(depth)])
        # the top posterior reads the whole grid: a valid g x g convolution to [B, 2G, 1, 1]
        self.posterior = conv(2 * c, 2 * zc) if i > 0 else nn.Conv2d(c, 2 * zg, g)
        self.prior = conv(c, 2 * zc) if i > 0 else None
        self.embed = conv(ch, c, k=1) if i > 0 else None
        self.from_latent = conv(zc, c) if i > 0 else GlobalToGrid(zg, c, g)
        self.dec_blocks = nn.ModuleList([ResBlock(c) for _ in range(depth)])
        self.up_convs = nn.ModuleList([conv(c, c) for _ in range(self.ups)])
        self.head = conv(c, 2 * ch if last else ch)

    def encode(self, target):
        h = F.relu(self.stem(target))  # [B, c, s, s]
        for down in self.downs:
            h = F.relu(down(h))
        for block in self.enc_blocks:
            h = block(h)
        return h  # [B, c, g, g]

    def decode(self, z, context, context_on_grid):
        h = self.from_latent(z)  # [B, c, g, g]
        if context_on_grid is not None:
            h = h + context_on_grid
        for block in self.dec_blocks:
            h = block(h)
        for up in self.up_convs:
            h = F.relu(up(up2(h)))
        if context is not None:
            h = h + context  # [B, c, s, s]
        return h, self.head(F.relu(h))


class PyramidVae(nn.Module):
    """vae (1 level), hvae (plain coding) and pcvae (predictive coding) over a resolution pyramid."""

    def __init__(self, cfg, side, levels, predictive):
        super().__init__()
        self.levels, self.predictive = levels, predictive
        self.zc, self.zg, self.g = cfg["latentChannels"], cfg["globalLatents"], side // 4
        self.dims = side * side
        self.prediction_weight = cfg["predictionLossWeight"]
        self.level = nn.ModuleList(
            [Level(i, levels, cfg["width"], cfg["depth"], self.zc, self.zg, self.g) for i in range(levels)]
        )
        self.opt = torch.optim.Adam(self.parameters(), lr=cfg["learningRate"])
        self.clip = cfg["gradClipNorm"]

    def params(self):
        return count(self)

    def run(self, x=None, n=0, temperature=1.0):
        """One top-down pass: posterior latents with x, prior latents without. Returns mean, log-scale, KLs."""
        b = x.shape[0] if x is not None else n
        pyramid = None
        if x is not None:
            pyramid = [2 * x - 1]
            for _ in range(1, self.levels):
                pyramid.insert(0, F.avg_pool2d(pyramid[0], 2))
        context = prediction = None
        kls, scale_errors = [], []
        for i, L in enumerate(self.level):
            latent = (b, self.zg, 1, 1) if i == 0 else (b, self.zc, self.g, self.g)
            cog = pool_times(context, L.ups) if context is not None else None
            if cog is not None:
                mu_p, lv_p = split_gaussian(L.prior(cog))
            else:
                mu_p = lv_p = torch.zeros(latent)
            eps = torch.randn(latent)
            if pyramid is not None:
                target = pyramid[i] - prediction if self.predictive and prediction is not None else pyramid[i]
                feats = L.encode(target)
                inp = torch.cat([feats, pool_times(context, L.ups)], 1) if context is not None else feats
                mu_q, lv_q = split_gaussian(L.posterior(inp))
                z = mu_q + torch.exp(0.5 * lv_q) * eps
                kl = 0.5 * (lv_p - lv_q + (torch.exp(lv_q) + (mu_q - mu_p) ** 2) / torch.exp(lv_p) - 1)
                kls.append(kl.sum([1, 2, 3]))
            else:
                z = mu_p + torch.exp(0.5 * lv_p) * eps * temperature
            feats, raw = L.decode(z, context, cog)
            last = i == self.levels - 1
            decoded = raw[:, :1] if last else raw
            log_scale = raw[:, 1:] if last else None
            output = prediction + decoded if self.predictive and prediction is not None else decoded
            if pyramid is not None and not last:
                scale_errors.append(((pyramid[i] - output) ** 2).sum([1, 2, 3]))
            if not last:
                prediction = up2(output)
                context = up2(feats) + self.level[i + 1].embed(prediction)
        return output, log_scale, kls, scale_errors

    def train_step(self, x):
        self.opt.zero_grad(set_to_none=True)
        mean, log_scale, kls, scale_errors = self.run(x)
        recon = logistic_nll(x, mean, log_scale).sum([1, 2, 3]).mean()
        loss = (recon + sum(kl.mean() for kl in kls)) / (self.dims * LN2)
        if scale_errors and self.prediction_weight > 0:  # the auxiliary per-scale loss (training only)
            loss = loss + self.prediction_weight * sum(e.mean() for e in scale_errors) / (self.dims * LN2)
        loss.backward()
        clip_and_step(self.opt, self.parameters(), self.clip)
        return loss.item()

    @torch.no_grad()
    def sample(self, n, options):
        mean, _, _, _ = self.run(n=n, temperature=options.get("temperature", 1))
        return ((mean + 1) / 2).clamp(0, 1)

    def evals(self, options):
        return 1


def logistic_nll(x, mean, log_scale):
    """Discretised logistic NLL (Salimans et al. 2017), nats per element, as packages/vae/src/likelihood.ts."""
    xs = 2 * x - 1
    centered = xs - mean
    ls = torch.clamp(log_scale, min=-7)
    inv = torch.exp(-ls)
    plus_in, min_in = inv * (centered + 1 / 255), inv * (centered - 1 / 255)
    cdf_delta = torch.sigmoid(plus_in) - torch.sigmoid(min_in)
    log_cdf_plus = plus_in - F.softplus(plus_in)
    log_one_minus_cdf_min = -F.softplus(min_in)
    mid_in = inv * centered
    log_pdf_mid = mid_in - ls - 2 * F.softplus(mid_in) - math.log(127.5)
    log_mid = torch.where(cdf_delta >= 1e-5, torch.log(torch.clamp(cdf_delta, min=1e-12)), log_pdf_mid)
    return -torch.where(xs < -0.999, log_cdf_plus, torch.where(xs > 0.999, log_one_minus_cdf_min, log_mid))


# ---------------------------------------------------------------- PixelCNN (packages/autoregressive)

def gate(x):
    a, b = x.chunk(2, 1)
    return torch.tanh(a) * torch.sigmoid(b)


def shift_down(x):
    return F.pad(x, (0, 0, 1, 0))[:, :, :-1, :]


def shift_right(x):
    return F.pad(x, (1, 0, 0, 0))[:, :, :, :-1]


class GatedLayer(nn.Module):
    def __init__(self, cin, f, vk, hk, out):
        super().__init__()
        self.vk, self.hk = vk, hk
        self.vertical = nn.Conv2d(cin, 2 * f, vk)  # (kh, kw): rows r-kh+1..r
        self.horizontal = nn.Conv2d(cin, 2 * f, (1, hk))
        self.link = nn.Conv2d(2 * f, 2 * f, 1, bias=False)
        self.out = nn.Conv2d(f, f, 1) if out else None

    def forward(self, v, h, first):
        kh, kw = self.vk
        side = (kw - 1) // 2
        v_pre = self.vertical(F.pad(v, (side, side, kh - 1, 0)))  # [B, 2F, H, W]
        h_in = shift_right(h) if first else h
        h_pre = self.horizontal(F.pad(h_in, (self.hk - 1, 0, 0, 0))) + self.link(shift_down(v_pre))
        v = gate(v_pre)
        hg = gate(h_pre)
        h = h + self.out(hg) if self.out is not None else hg
        return v, h


class PixelCnn(nn.Module):
    """Gated PixelCNN with cropped masked kernels and a 256-way softmax; cropped rows while sampling."""

    def __init__(self, cfg, side):
        super().__init__()
        f, depth, k = cfg["width"], cfg["depth"], cfg["firstKernel"]
        half = (k - 1) // 2
        self.levels, self.side = cfg["levels"], side
        self.layers = nn.ModuleList([GatedLayer(1, f, (half + 1, k), half, False)] +
                                    [GatedLayer(f, f, (2, 3), 2, True) for _ in range(depth)])
        self.hidden, self.logits_head = nn.Conv2d(f, f, 1), nn.Conv2d(f, self.levels, 1)
        self.row_reach = half + depth + 1
        self.opt = torch.optim.Adam(self.parameters(), lr=cfg["learningRate"])
        self.clip = cfg["clipNorm"]

    def params(self):
        return count(self)

    def features(self, x):
        v = h = x
        for i, layer in enumerate(self.layers):
            v, h = layer(v, h, i == 0)
        return h  # [B, F, H, W]

    def head(self, h):
        return self.logits_head(F.relu(self.hidden(F.relu(h))))  # [B, levels, ...]

    def logits(self, x):
        return self.head(self.features(x))  # [B, levels, H, W]

    def train_step(self, x):
        top = self.levels - 1
        index = torch.round(x.clamp(0, 1) * top)
        self.opt.zero_grad(set_to_none=True)
        logits = self.logits(index * (2 / top) - 1)
        nll = F.cross_entropy(logits, index.squeeze(1).long(), reduction="sum") / x.shape[0]
        loss = nll / (self.side * self.side * LN2)
        loss.backward()
        clip_and_step(self.opt, self.parameters(), self.clip)
        return loss.item()

    @torch.no_grad()
    def sample(self, n, options):
        t = options.get("temperature", 1)
        canvas = torch.zeros(n, 1, self.side, self.side)
        for r in range(self.side):
            top = max(0, r - self.row_reach)
            for c in range(self.side):
                h = self.features(canvas[:, :, top:r + 1])[:, :, r - top:r - top + 1, c:c + 1]  # [n, F, 1, 1]
                logits = self.head(h).flatten(1)  # [n, levels]
                level = torch.multinomial(torch.softmax(logits / t, 1), 1).squeeze(1)
                canvas[:, 0, r, c] = level.float() / (self.levels - 1) * 2 - 1
        return (canvas + 1) / 2

    def evals(self, options):
        return self.side * self.side


# ---------------------------------------------------------------- Flow (packages/flow)

class CouplingNet(nn.Module):
    def __init__(self, cin, cout, width):
        super().__init__()
        self.conv1, self.conv2, self.conv3 = conv(cin, width), conv(width, width, k=1), conv(width, 2 * cout)
        nn.init.zeros_(self.conv3.weight)
        self.scale = nn.Parameter(torch.ones(cout, 1, 1))

    def forward(self, x):
        raw, shift = self.conv3(F.relu(self.conv2(F.relu(self.conv1(x))))).chunk(2, 1)
        return self.scale * torch.tanh(raw), shift


class ActNorm(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.log_scale, self.bias = nn.Parameter(torch.zeros(1, c, 1, 1)), nn.Parameter(torch.zeros(1, c, 1, 1))

    def forward(self, x):
        return x * torch.exp(self.log_scale) + self.bias, self.log_scale.sum() * x.shape[2] * x.shape[3] * torch.ones(x.shape[0])

    def inverse(self, y):
        return (y - self.bias) * torch.exp(-self.log_scale)


class Checker(nn.Module):
    def __init__(self, c, h, w, parity, width):
        super().__init__()
        grid = (torch.arange(h)[:, None] + torch.arange(w)[None, :]) % 2 == parity
        self.register_buffer("mask", grid.float()[None, None])
        self.net = CouplingNet(c, c, width)

    def params(self, x):
        log_s, shift = self.net(x * self.mask)
        return log_s * (1 - self.mask), shift * (1 - self.mask)

    def forward(self, x):
        log_s, shift = self.params(x)
        return x * torch.exp(log_s) + shift, log_s.sum([1, 2, 3])

    def inverse(self, y):
        log_s, shift = self.params(y)
        return (y - shift) * torch.exp(-log_s)


class ChannelCoupling(nn.Module):
    def __init__(self, c, flip, width):
        super().__init__()
        self.flip = flip
        self.net = CouplingNet(c // 2, c // 2, width)

    def split(self, x):
        a, b = x.chunk(2, 1)
        return (b, a) if self.flip else (a, b)

    def join(self, kept, changed):
        return torch.cat([changed, kept] if self.flip else [kept, changed], 1)

    def forward(self, x):
        kept, changed = self.split(x)
        log_s, shift = self.net(kept)
        return self.join(kept, changed * torch.exp(log_s) + shift), log_s.sum([1, 2, 3])

    def inverse(self, y):
        kept, changed = self.split(y)
        log_s, shift = self.net(kept)
        return self.join(kept, (changed - shift) * torch.exp(-log_s))


def squeeze(x):
    b, c, h, w = x.shape
    return x.view(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(b, 4 * c, h // 2, w // 2)


def unsqueeze(x):
    b, c4, h, w = x.shape
    return x.view(b, c4 // 4, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3).reshape(b, c4 // 4, 2 * h, 2 * w)


class Flow(nn.Module):
    """Two-scale RealNVP with actnorm: checkerboard couplings, squeeze, channel couplings, factor-out."""

    def __init__(self, cfg, side):
        super().__init__()
        depth, width = cfg["depth"], cfg["width"]
        self.alpha, self.side = cfg["logitAlpha"], side
        self.steps = nn.ModuleList()
        self.kinds = []
        h, c = side, 1
        for scale in range(2):
            for i in range(depth):
                self._add("layer", ActNorm(c))
                self._add("layer", Checker(c, h, h, i % 2, width))
            self._add("squeeze", nn.Identity())
            h, c = h // 2, c * 4
            for i in range(depth):
                self._add("layer", ActNorm(c))
                self._add("layer", ChannelCoupling(c, i % 2 == 1, width))
            if scale == 0:
                self._add("factor", nn.Identity())
                c //= 2
                self.factored = (c, h, h)
        self.final = (c, h, h)
        self.opt = torch.optim.Adam(self.parameters(), lr=cfg["learningRate"])
        self.clip = cfg["clipNorm"]

    def _add(self, kind, module):
        self.kinds.append(kind)
        self.steps.append(module)

    def params(self):
        return count(self)

    def forward_map(self, x):
        logdet = torch.zeros(x.shape[0])
        factored = None
        for kind, step in zip(self.kinds, self.steps):
            if kind == "squeeze":
                x = squeeze(x)
            elif kind == "factor":
                factored, x = x.chunk(2, 1)
            else:
                x, ld = step(x)
                logdet = logdet + ld
        return torch.cat([factored.flatten(1), x.flatten(1)], 1), logdet

    def inverse_map(self, z):
        n = z.shape[0]
        fsize = self.factored[0] * self.factored[1] * self.factored[2]
        zf, x = z[:, :fsize].reshape(n, *self.factored), z[:, fsize:].reshape(n, *self.final)
        for kind, step in zip(reversed(self.kinds), reversed(self.steps)):
            if kind == "squeeze":
                x = unsqueeze(x)
            elif kind == "factor":
                x = torch.cat([zf, x], 1)
            else:
                x = step.inverse(x)
        return x

    def train_step(self, x):
        a = self.alpha
        y = (255 * x + torch.rand_like(x)) / 256
        self.opt.zero_grad(set_to_none=True)
        p = a + (1 - 2 * a) * y
        pre_logdet = (math.log(1 - 2 * a) - (torch.log(p) + torch.log1p(-p))).sum([1, 2, 3])
        z, logdet = self.forward_map(torch.log(p) - torch.log1p(-p))
        log_prior = -0.5 * (z.pow(2) + math.log(2 * math.pi)).sum(1)
        nats = -(log_prior + logdet + pre_logdet).mean()
        loss = (nats / (self.side * self.side) + math.log(256)) / LN2
        loss.backward()
        clip_and_step(self.opt, self.parameters(), self.clip)
        return loss.item()

    @torch.no_grad()
    def sample(self, n, options):
        z = torch.randn(n, self.side * self.side) * options.get("temperature", 1)
        p = torch.sigmoid(self.inverse_map(z))
        y = ((p - self.alpha) / (1 - 2 * self.alpha)).clamp(0, 1)
        return torch.clamp(torch.floor(y * 256), max=255) / 255

    def evals(self, options):
        return 1


# ---------------------------------------------------------------- DDPM (packages/diffusion)

def time_features(ts, dim):
    half = dim // 2
    freqs = 10000 ** (-torch.arange(half, dtype=torch.float64) / half)
    angles = torch.as_tensor(ts, dtype=torch.float64)[:, None] * freqs[None]
    return torch.cat([torch.sin(angles), torch.cos(angles)], 1).float()  # [B, dim]


class TimeBlock(nn.Module):
    def __init__(self, c, emb):
        super().__init__()
        self.conv1, self.conv2, self.time = conv(c, c), conv(c, c), nn.Linear(emb, c)

    def forward(self, x, emb):
        h = self.conv1(F.silu(x)) + self.time(emb)[:, :, None, None]
        return x + self.conv2(F.silu(h))


class UNet(nn.Module):
    def __init__(self, width, depth, time_dim=32):
        super().__init__()
        c1, c2, emb = width, 2 * width, 2 * width
        self.time1, self.time2 = nn.Linear(time_dim, emb), nn.Linear(emb, emb)
        self.inp = conv(1, c1)
        blocks = lambda c: nn.ModuleList([TimeBlock(c, emb) for _ in range(depth)])  # noqa: E731
        self.down1, self.widen, self.down2 = blocks(c1), conv(c1, c2, k=1), blocks(c2)
        self.middle = blocks(c2)
        self.merge2, self.up2 = conv(2 * c2, c2, k=1), blocks(c2)
        self.merge1, self.up1 = conv(c2 + c1, c1, k=1), blocks(c1)
        self.out = conv(c1, 1)

    @staticmethod
    def run(stack, x, emb):
        for block in stack:
            x = block(x, emb)
        return x

    def forward(self, x, time):
        emb = self.time2(F.silu(self.time1(time)))  # [B, 2w]
        h1 = self.run(self.down1, self.inp(x), emb)  # [B, w, H, W]
        h2 = self.run(self.down2, self.widen(F.avg_pool2d(h1, 2)), emb)  # [B, 2w, H/2, W/2]
        mid = self.run(self.middle, F.avg_pool2d(h2, 2), emb)  # [B, 2w, H/4, W/4]
        u2 = self.run(self.up2, self.merge2(torch.cat([up2(mid), h2], 1)), emb)
        u1 = self.run(self.up1, self.merge1(torch.cat([up2(u2), h1], 1)), emb)
        return self.out(F.silu(u1))  # [B, 1, H, W]


def cosine_schedule(T, s=0.008):
    f = lambda t: math.cos(((t / T + s) / (1 + s)) * math.pi / 2) ** 2  # noqa: E731
    beta = [0.0] + [min(1 - f(t) / f(t - 1), 0.999) for t in range(1, T + 1)]
    abar = [1.0]
    for t in range(1, T + 1):
        abar.append(abar[-1] * (1 - beta[t]))
    post = [0.0] + [beta[t] * (1 - abar[t - 1]) / (1 - abar[t]) for t in range(1, T + 1)]
    return beta, abar, post


class Ddpm:
    """eps-prediction U-Net, simple loss, EMA; DDPM (T evaluations) and DDIM (S evaluations) samplers."""

    def __init__(self, cfg, side):
        assert cfg["schedule"] == "cosine", "peer implements the cosine schedule"
        self.T, self.side = cfg["timesteps"], side
        self.net = UNet(cfg["width"], cfg["depth"])
        self.opt = torch.optim.Adam(self.net.parameters(), lr=cfg["learningRate"])
        self.clip = cfg["clipNorm"]
        self.ema = Ema(self.net.parameters(), cfg["emaDecay"])
        self.beta, self.abar, self.post = cosine_schedule(self.T)

    def params(self):
        return count(self.net)

    def train_step(self, x):
        b = x.shape[0]
        ts = torch.randint(1, self.T + 1, (b,))
        ab = torch.tensor([self.abar[t] for t in ts.tolist()], dtype=torch.float32)[:, None, None, None]
        noise = torch.randn_like(x)
        self.opt.zero_grad(set_to_none=True)
        xt = ab.sqrt() * (2 * x - 1) + (1 - ab).sqrt() * noise
        loss = (self.net(xt, time_features(ts.tolist(), 32)) - noise).pow(2).mean()
        loss.backward()
        clip_and_step(self.opt, self.net.parameters(), self.clip)
        self.ema.update()
        return loss.item()

    def x0(self, x, t):
        a, b = math.sqrt(self.abar[t]), math.sqrt(1 - self.abar[t])
        eps = self.net(x, time_features([t], 32))
        x0 = ((x - b * eps) / a).clamp(-1, 1)
        return x0, (x - a * x0) / b

    @torch.no_grad()
    def sample(self, n, options):
        x = torch.randn(n, 1, self.side, self.side)
        if options.get("sampler", "ddpm") == "ddpm":
            for t in range(self.T, 0, -1):
                x0, _ = self.x0(x, t)
                d = 1 - self.abar[t]
                mean = x0 * (math.sqrt(self.abar[t - 1]) * self.beta[t] / d) + x * (math.sqrt(1 - self.beta[t]) * (1 - self.abar[t - 1]) / d)
                x = mean if t == 1 else mean + torch.randn_like(x) * math.sqrt(self.post[t])
        else:
            S, eta = options.get("steps", 50), options.get("eta", 0)
            steps = [round(i * self.T / S) for i in range(S, 0, -1)]
            for i, t in enumerate(steps):
                prev = steps[i + 1] if i + 1 < len(steps) else 0
                x0, eps = self.x0(x, t)
                a_t, a_prev = self.abar[t], self.abar[prev]
                sigma = eta * math.sqrt((1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev))
                x = x0 * math.sqrt(a_prev) + eps * math.sqrt(max(1 - a_prev - sigma * sigma, 0))
                if prev != 0 and sigma != 0:
                    x = x + sigma * torch.randn_like(x)
        return ((x + 1) / 2).clamp(0, 1)

    def evals(self, options):
        return self.T if options.get("sampler", "ddpm") == "ddpm" else options.get("steps", 50)


BUILDERS = {
    "gan": lambda cfg, side: Gan(cfg, side),
    "vae": lambda cfg, side: PyramidVae(cfg, side, 1, False),
    "hvae": lambda cfg, side: PyramidVae(cfg, side, cfg["levels"], False),
    "pcvae": lambda cfg, side: PyramidVae(cfg, side, cfg["levels"], True),
    "pixelcnn": lambda cfg, side: PixelCnn(cfg, side),
    "flow": lambda cfg, side: Flow(cfg, side),
    "ddpm": lambda cfg, side: Ddpm(cfg, side),
}


def build(variant, cfg, side):
    if variant not in BUILDERS:
        raise KeyError(f"no PyTorch peer for variant '{variant}'")
    torch.manual_seed(0)
    return BUILDERS[variant](cfg, side)


def digits_like(batch, side):
    """A batch on the 8-bit grid in [0, 1] (the peer's timing does not depend on the pixel values)."""
    return torch.randint(0, 256, (batch, 1, side, side)).float() / 255
