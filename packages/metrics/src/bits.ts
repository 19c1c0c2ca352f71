import { natsToBitsPerDim } from '@curtain/nn';

/**
 * Bits per dimension on the 8-bit grid from the negative log-likelihood (nats,
 * summed over D dimensions) of a continuous density of dequantised data in
 * [0, 1]^D: rescaling [0, 1] to [0, 256) divides the density by 256^D, which
 * adds 8 bits per dimension (Theis et al. 2016). Models compute likelihoods;
 * this only changes units (see natsToBitsPerDim in @curtain/nn).
 */
export function bitsPerDimOf8BitData(nllNatsOfUnitData: number, dimensions: number): number {
  return natsToBitsPerDim(nllNatsOfUnitData, dimensions) + 8;
}
