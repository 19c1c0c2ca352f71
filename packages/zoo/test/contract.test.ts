// Every registered paradigm keeps the contract (see contract.ts).
import { PARADIGMS } from '../src/registry.ts';
import { paradigmContract, trainingBackend } from './contract.ts';

for (const entry of Object.values(PARADIGMS)) paradigmContract(entry, trainingBackend);
