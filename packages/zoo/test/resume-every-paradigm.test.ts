// Checkpoint resume on the fastest backend available (or CURTAIN_BACKEND): save and load are what is tested.
import { selectBackend } from '../src/index.ts';
import { resumeSuite } from './resume.ts';

resumeSuite(() => selectBackend(process.env.CURTAIN_BACKEND));
